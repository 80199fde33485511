/**
 * The ledger end to end with the real Claude Code CLI and the plugin loaded from this repo:
 * every hook event recorded in firing order, main-thread tokens equal to the transcript sum,
 * and one dispatch record per subagent with its billed tokens (issues 2 and 3).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { findTranscripts, makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text } from '../support/conversation';
import { countTokens } from '../../src/runtime/tokens/count';
import { cliJson, PLUGIN_DIR, REPO } from '../support/warden';
import { scratch } from '../support/scratch';
import { identity, probePlugin, transcriptTokens } from '../support/probe';

const REVIEWER = {
  name: 'code-reviewer',
  description: 'Reviews code for bugs. Use after writing code.',
  tools: 'Read, Grep, Bash',
  body: 'You are a careful code reviewer.',
};

const { temp, mock } = scratch();

describe('ledger with the real CLI', () => {
  it('records every hook event in firing order, and main_tokens equals the transcript sum', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const log = path.join(temp(makeTempDir('probe')), 'fired.jsonl');
    const model = await mock(
      conversation({ usage: { input_tokens: 300, output_tokens: 40, cache_creation_input_tokens: 20, cache_read_input_tokens: 900 } })
        .main(bash('echo one'), dispatch({ subagent_type: 'code-reviewer', prompt: 'REVIEW_ME please' }), bash('echo two'), text('All done.'))
        .subagent('REVIEW_ME', bash('echo sub'), text('REPORT ok'))
        .script(),
    );
    const home = temp(makeHome());
    const run = await runClaude({
      prompt: 'work',
      modelUrl: model.url,
      home,
      cwd: temp(makeProject({ agents: [REVIEWER] })),
      pluginDirs: [PLUGIN_DIR, temp(probePlugin(log))],
      wardenHome,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const sessionId = run.result!.session_id;

    const fired = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const events = cliJson<any[]>(['events', '--session', sessionId], wardenHome);
    const hookEvents = events.filter((e) => e.payload?.hook_event_name);
    expect(fired.map((e) => e.hook_event_name)).toEqual(expect.arrayContaining(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'SubagentStart', 'SubagentStop', 'PostToolUse', 'Stop', 'SessionEnd']));
    expect(hookEvents.map((e) => identity(e.payload))).toEqual(fired.map(identity));
    expect(events.filter((e) => e.kind === 'malformed')).toEqual([]);

    const [session] = cliJson<any[]>(['sessions'], wardenHome);
    const transcript = findTranscripts(home, sessionId).sessions[0]!;
    expect(session.session_id).toBe(sessionId);
    expect(session.events).toBe(fired.length);
    expect(session.ended_at).toBeTruthy();
    expect(session.main_tokens).toBe(transcriptTokens(transcript));
    expect(session.main_tokens).toBeGreaterThan(0);
  });

  it('keeps one record per dispatch, foreground and background, with transcript-summed tokens', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const model = await mock(
      conversation({ usage: { input_tokens: 200, output_tokens: 25, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 } })
        .main(
          dispatch({ subagent_type: 'code-reviewer', prompt: 'SUB_REVIEW check src', description: 'Review' }),
          dispatch({ subagent_type: 'general-purpose', prompt: 'SUB_QUICK look around', description: 'Quick look' }),
          dispatch({ subagent_type: 'general-purpose', prompt: 'SUB_BG research', description: 'Background research', run_in_background: true }),
          text('Launched.'),
          text('All done.'),
        )
        .subagent('SUB_REVIEW', bash('echo review'), text('REPORT review done'))
        .subagent('SUB_QUICK', bash('echo quick'), text('REPORT quick done'))
        .subagent('SUB_BG', bash('sleep 1; echo bg'), text('REPORT bg done'))
        .script(),
    );
    const home = temp(makeHome());
    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home, cwd: temp(makeProject({ agents: [REVIEWER] })), pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);

    const records = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(records).toHaveLength(3);
    const byType: Record<string, number> = {};
    for (const r of records) byType[r.agent_type] = (byType[r.agent_type] ?? 0) + 1;
    expect(byType).toEqual(run.result!.subagent_stats.by_type);
    expect(records.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(records.map((r) => [r.description, r.background])).toEqual([
      ['Review', false],
      ['Quick look', false],
      ['Background research', true],
    ]);
    const subagents = findTranscripts(home, run.result!.session_id).subagents;
    for (const r of records) {
      const file = subagents.find((f) => f.endsWith(`agent-${r.agent_id}.jsonl`));
      expect(file, `transcript of ${r.agent_id}`).toBeTruthy();
      expect(r.total_tokens).toBe(transcriptTokens(file!));
      expect(r.reported_total_tokens === null || r.reported_total_tokens < r.total_tokens).toBe(true);
      expect(r.tool_use_count).toBeGreaterThanOrEqual(1);
      expect(r.final_message).toMatch(/^REPORT .* done$/);
    }

    // The hot path stored chars/4; the exact cl100k count arrives off the blocking path
    // (the resident server when idle, or a detached process started at SessionEnd).
    let counted: any[] = [];
    for (let i = 0; i < 40 && !(counted.length && counted.every((r) => r.prompt_tokens_exact)); i++) {
      await new Promise((r) => setTimeout(r, 250));
      counted = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    }
    for (const r of counted) {
      expect(r.prompt_tokens_exact).toBe(true);
      expect(r.prompt_tokens).toBe(countTokens(r.prompt));
    }
  });

  it('records a subagent whose model calls fail as failed, with the error', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const model = await mock(
      conversation()
        .main(dispatch({ subagent_type: 'general-purpose', prompt: 'SUB_BROKEN do it', description: 'Broken' }), text('It failed.'))
        .subagent('SUB_BROKEN', () => ({ error: { status: 400, type: 'invalid_request_error', message: 'SUBAGENT_EXPLODED' }, retry: false }))
        .script(),
    );
    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd: temp(makeProject()), pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);
    const [record] = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(record.status).toBe('failed');
    expect(record.error).toContain('SUBAGENT_EXPLODED');
  });
});

/**
 * Issue 20: a session killed mid-way loses nothing. SessionStart and SessionEnd no longer start Node
 * on the session's path (hooks/session-event.sh leaves them in an inbox that the next hook, a
 * session end's detached drain or a report records), so this kills a real Claude Code CLI with
 * SIGKILL while a dispatched subagent is running, runs the next session against the same ledger,
 * and checks that every hook event Claude Code fired in the killed session (as a second plugin
 * logged them) is in the ledger, in order, with the main thread's tokens equal to its transcript.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTranscripts, makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text } from '../support/conversation';
import type { Reply } from '../support/mock-model';
import { scratch } from '../support/scratch';
import { identity, probePlugin, transcriptTokens } from '../support/probe';
import { cliJson, PLUGIN_DIR } from '../support/warden';

const { temp, mock } = scratch();

/** The Claude Code pid the resident server announced (its heartbeat file is named after it). */
function claudePid(wardenHome: string): number | undefined {
  const dir = path.join(wardenHome, 'resident');
  const [file] = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  return file ? Number(file) : undefined;
}

async function until(what: string, ready: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !ready(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!ready()) throw new Error(`gave up waiting for: ${what}`);
}

describe('a session killed mid-way', () => {
  it('SIGKILL of the CLI during a dispatch: after the next session, the ledger holds every event fired, and the main-thread tokens of its transcript', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const log = path.join(temp(makeTempDir('probe')), 'fired.jsonl');
    const home = temp(makeHome());
    const cwd = temp(makeProject());
    let killed: number | undefined;
    // The subagent's second request: the CLI dies while its subagent waits for the model.
    const killCli = (): Reply => {
      killed = claudePid(wardenHome);
      if (killed) process.kill(killed, 'SIGKILL');
      return { ...text('NEVER_DELIVERED'), delayMs: 2000 };
    };
    const usage = { input_tokens: 300, output_tokens: 40, cache_creation_input_tokens: 20, cache_read_input_tokens: 900 };
    const first = await mock(
      conversation({ usage })
        .main(bash('echo MAIN_ONE'), dispatch({ subagent_type: 'general-purpose', prompt: 'KILLED_JOB do it', description: 'Killed' }), text('never reached'))
        .subagent('KILLED_JOB', bash('echo SUB_ONE'), killCli)
        .script(),
    );
    const run = await runClaude({ prompt: 'work', modelUrl: first.url, home, cwd, pluginDirs: [PLUGIN_DIR, temp(probePlugin(log))], wardenHome });
    expect(killed, 'the CLI was found and killed').toBeGreaterThan(0);
    expect(run.signal).toBe('SIGKILL');
    const fired = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const killedSession = fired[0].session_id as string;
    expect(fired.map((e) => e.hook_event_name)).toEqual(expect.arrayContaining(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'SubagentStart']));
    expect(fired.map((e) => e.hook_event_name)).not.toContain('SessionEnd');
    // The orphaned resident server sees its stdin close and leaves (given a few seconds); then
    // whatever of the killed session still runs is killed too, as a crash would leave it.
    await until('the resident server to exit', () => claudePid(wardenHome) === undefined, 50).catch(() => undefined);
    try {
      process.kill(-killed!, 'SIGKILL');
    } catch {
      // the group is already gone
    }

    // The next session, against the same ledger.
    const second = await mock(conversation({ usage }).main(text('Hello again.')).script());
    const next = await runClaude({ prompt: 'hi', modelUrl: second.url, home, cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(next.exitCode, next.stderr).toBe(0);

    const events = cliJson<any[]>(['events', '--session', killedSession], wardenHome);
    const hookEvents = events.filter((e) => e.payload?.hook_event_name);
    expect(hookEvents.map((e) => identity(e.payload))).toEqual(fired.map(identity));
    const sessions = cliJson<any[]>(['sessions'], wardenHome);
    const before = sessions.find((s) => s.session_id === killedSession);
    expect(before.events).toBe(fired.length);
    expect(before.ended_at).toBeNull();
    expect(before.main_tokens).toBe(transcriptTokens(findTranscripts(home, killedSession).sessions[0]!));
    const [record] = cliJson<any[]>(['dispatches', '--session', killedSession], wardenHome);
    expect(record).toMatchObject({ agent_type: 'general-purpose', description: 'Killed' });
    expect(record.status).not.toBe('completed');
    // The next session was recorded from start to end, and nothing waits in the inbox.
    const after = sessions.find((s) => s.session_id === next.result!.session_id);
    expect(after.started_at).toBeTruthy();
    expect(after.ended_at).toBeTruthy();
    const inbox = path.join(wardenHome, 'inbox');
    expect(fs.existsSync(inbox) ? fs.readdirSync(inbox) : []).toEqual([]);
  });
});

/**
 * Proves the end-to-end harness against the real Claude Code CLI, without the agent-warden plugin:
 * the mock model scripts the conversation, the CLI runs tools, subagents and plugin hooks for real.
 */
import { describe, expect, it } from 'vitest';
import {
  execClaude,
  findTranscripts,
  makeHome,
  makePlugin,
  makeProject,
  runClaude,
  type RunClaudeOptions,
  
} from '../support/claude-cli';
import { bash, conversation, dispatch, text } from '../support/conversation';
import {
  agentListing,
  firstUserText,
  isMainThread,
  isSubagent,
  lastUserText,
  listedAgentTypes,
  
  systemText,
  toolNames,
  toolResults,
  type MockModel,
  
} from '../support/mock-model';
import { scratch } from '../support/scratch';

const REVIEWER = {
  name: 'code-reviewer',
  description: 'Reviews code for bugs and style issues. Use after writing code.',
  tools: 'Read, Grep, Bash',
  body: 'You are REVIEWER_BODY_7f3a, a meticulous code reviewer.',
};

const { temp, mock } = scratch();

/** A fresh HOME and project per session, with the custom reviewer agent. */
function session(model: MockModel, prompt: string): RunClaudeOptions {
  return {
    prompt,
    modelUrl: model.url,
    home: temp(makeHome()),
    cwd: temp(makeProject({ agents: [REVIEWER] })),
  };
}

describe('claude plugin validate', () => {
  it('passes a minimal plugin and fails a broken manifest', async () => {
    const home = temp(makeHome());
    const good = temp(makePlugin({ name: 'aw-minimal' }));
    const bad = temp(makePlugin({ name: 'aw-broken', manifest: { name: 'has space', version: 1 } }));

    const passed = await execClaude(['plugin', 'validate', good], { home, cwd: good });
    const failed = await execClaude(['plugin', 'validate', bad], { home, cwd: bad });

    expect(passed.exitCode, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toContain('Validation passed');
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout + failed.stderr).toContain('Plugin name cannot contain spaces');
  });
});

describe('scripted sessions with the real CLI', () => {
  it('runs a main-thread Bash call and a foreground custom subagent', async () => {
    const model = await mock(
      conversation({ usage: { input_tokens: 200, output_tokens: 20, cache_creation_input_tokens: 50, cache_read_input_tokens: 1000 } })
        .main(
          bash('echo MAIN_BASH_$((40+2))'),
          dispatch({ subagent_type: 'code-reviewer', prompt: 'REVIEW_TASK: check the diff', description: 'Review diff' }),
          text('All done.'),
        )
        .subagent('REVIEW_TASK', bash('echo SUB_BASH_$((6*7))'), text('REPORT done'))
        .script(),
    );
    const opts = session(model, 'please review');

    const run = await runClaude(opts);

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ is_error: false, result: 'All done.' });
    expect(run.result?.subagent_stats.by_type).toEqual({ 'code-reviewer': 1 });
    expect(run.result?.subagent_stats.requested.foreground).toBe(1);

    const calls = model.modelRequests();
    const main = calls.filter(isMainThread);
    const sub = calls.filter(isSubagent);
    expect(main.map(toolResults).flat().map((r) => r.text)).toEqual(
      expect.arrayContaining(['MAIN_BASH_42', expect.stringContaining('REPORT done')]),
    );
    expect(listedAgentTypes(main[0]!)).toContain('code-reviewer');
    expect(agentListing(main[0]!)).toContain(`- code-reviewer: ${REVIEWER.description} (Tools: Read, Grep, Bash)`);

    expect(sub).toHaveLength(2);
    expect(systemText(sub[0]!)).toContain(REVIEWER.body);
    expect(firstUserText(sub[0]!)).toContain('REVIEW_TASK: check the diff');
    expect(toolNames(sub[0]!)).not.toContain('Agent');
    expect(agentListing(sub[0]!)).toBeUndefined();
    expect(toolResults(sub[1]!)).toEqual([expect.objectContaining({ text: 'SUB_BASH_42', isError: false })]);

    // Every reply carried the same usage, so the CLI's totals are an exact multiple.
    const totals = Object.values(run.result?.modelUsage ?? {});
    const sum = (key: 'inputTokens' | 'outputTokens' | 'cacheReadInputTokens' | 'cacheCreationInputTokens'): number =>
      totals.reduce((acc, usage) => acc + usage[key], 0);
    expect([sum('inputTokens'), sum('outputTokens'), sum('cacheCreationInputTokens'), sum('cacheReadInputTokens')]).toEqual([
      200 * calls.length,
      20 * calls.length,
      50 * calls.length,
      1000 * calls.length,
    ]);

    const transcripts = findTranscripts(opts.home, run.result?.session_id);
    expect(transcripts.sessions).toHaveLength(1);
    expect(transcripts.subagents).toHaveLength(1);
  });

  it('waits for a background subagent and reports its completion to the main thread', async () => {
    const model = await mock(
      conversation()
        .main(
          dispatch({ subagent_type: 'code-reviewer', prompt: 'BG_TASK: scan', run_in_background: true }),
          text('Launched.'),
          text('Background finished.'),
        )
        .subagent('BG_TASK', bash('sleep 1; echo BG_BASH_OK'), text('REPORT background done'))
        .script(),
    );

    const run = await runClaude(session(model, 'scan in the background'));

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ is_error: false, result: 'Background finished.' });
    expect(run.result?.subagent_stats).toMatchObject({
      requested: { background: 1, foreground: 0 },
      started_in_background: 1,
      completed: 1,
      by_type: { 'code-reviewer': 1 },
    });

    const main = model.modelRequests().filter(isMainThread);
    expect(main).toHaveLength(3);
    expect(toolResults(main[1]!)[0]?.text).toContain('Async agent launched successfully');
    expect(lastUserText(main[2]!)).toMatch(/<task-notification>[\s\S]*<status>completed<\/status>/);
    const sub = model.modelRequests().filter(isSubagent);
    expect(toolResults(sub.at(-1)!)[0]?.text).toBe('BG_BASH_OK');
  });

  it('feeds a PreToolUse deny from a plugin hook back to the model', async () => {
    const deny = {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'agent-warden: test',
      },
    };
    const plugin = temp(
      makePlugin({
        name: 'aw-deny',
        hooks: {
          PreToolUse: [
            {
              matcher: 'Bash',
              hooks: [{ type: 'command', command: 'node', args: ['${CLAUDE_PLUGIN_ROOT}/hooks/deny.cjs'], timeout: 10 }],
            },
          ],
        },
        files: { 'hooks/deny.cjs': `process.stdout.write(${JSON.stringify(JSON.stringify(deny))});\n` },
      }),
    );
    const model = await mock(conversation().main(bash('echo SHOULD_NOT_RUN'), text('Blocked, stopping.')).script());

    const run = await runClaude({ ...session(model, 'run it'), pluginDirs: [plugin] });

    expect(run.exitCode, run.stderr).toBe(0);
    const [, afterDeny] = model.modelRequests().filter(isMainThread);
    expect(toolResults(afterDeny!)).toEqual([
      expect.objectContaining({ text: 'PreToolUse:Bash hook error: agent-warden: test', isError: true }),
    ]);
    expect(run.result?.permission_denials).toEqual([
      expect.objectContaining({ tool_name: 'Bash', tool_input: expect.objectContaining({ command: 'echo SHOULD_NOT_RUN' }) }),
    ]);
    expect(run.result?.result).toBe('Blocked, stopping.');
  });
});

/**
 * Issue 5 end to end: the real Claude Code CLI with the plugin loaded from this repo, a scripted
 * model that retries, and the breaker cutting the loop live (counted by real executions).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text, type Step } from '../support/conversation';
import { toolResults, type MockModel } from '../support/mock-model';
import { FIXTURES } from '../support/fixtures';
import { cliJson, PLUGIN_DIR, REPO, runCli } from '../support/warden';
import { scratch } from '../support/scratch';

const { temp, mock } = scratch();

// The command of the captured retry loop (fixtures/…/hooks-retry-loop): each run leaves a line.
const DEPLOY = 'echo run >> runs.log; echo "connection refused" >&2; exit 3';
const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

/** Every tool_result the model was sent, in order. */
const resultsSeen = (model: MockModel) => model.modelRequests().flatMap((r) => toolResults(r)).filter((r, i, all) => all.findIndex((o) => o.toolUseId === r.toolUseId) === i);

describe('breaker with the real CLI', () => {
  it('runs a command the model retries ten times at most three times, and tells the model why', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(makeProject());
    const retries: Step[] = Array.from({ length: 10 }, () => bash(DEPLOY, 'Deploy'));
    const model = await mock(conversation().main(...retries, text('Gave up.')).script());
    const run = await runClaude({ prompt: 'deploy', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);

    // Without agent-warden the captured run executed it all ten times.
    const capturedRuns = fs.readdirSync(path.join(FIXTURES, 'hooks-retry-loop')).filter((f) => f.endsWith('PostToolUseFailure.json'));
    expect(capturedRuns).toHaveLength(10);
    expect(lines(path.join(cwd, 'runs.log'))).toBe(3);
    const results = resultsSeen(model);
    expect(results).toHaveLength(10);
    expect(results.slice(0, 3).map((r) => r.text)).toEqual(Array(3).fill('Exit code 3\nconnection refused'));
    for (const r of results.slice(3)) {
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/^PreToolUse:Bash hook error: agent-warden: circuit breaker open for Bash: echo run >> runs\.log.* failed 3 times in a row/);
      expect(r.text).toContain('last error: "Exit code 3 connection refused"');
      expect(r.text).toMatch(/breaker reset call:main:[0-9a-f]{16}/);
    }
    expect(run.result!.permission_denials).toHaveLength(7);

    // The CLI shows the open circuit, and a reset (an event in the log) closes it.
    const [circuit, ...others] = cliJson<any[]>(['breaker', 'status'], wardenHome);
    expect(others).toEqual([]);
    expect(circuit).toMatchObject({ session_id: run.result!.session_id, kind: 'call', state: 'open', failures: 3, last_error: 'Exit code 3\nconnection refused' });
    const reset = runCli(['breaker', 'reset', circuit.key, '--session', run.result!.session_id], wardenHome);
    expect(reset.status, reset.stderr).toBe(0);
    expect(reset.stderr).toContain('1 open circuit(s) closed');
    expect(cliJson<any[]>(['breaker', 'status'], wardenHome)).toEqual([]);
    expect(cliJson<any[]>(['events', '--kind', 'breaker_reset'], wardenHome)).toHaveLength(1);
    expect(runCli(['breaker', 'reset'], wardenHome).status).toBe(1);
  });

  it('fail, fail, a different successful call, fail, fail: all five run', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(makeProject());
    const model = await mock(
      conversation()
        .main(bash(DEPLOY), bash(DEPLOY), bash('echo fixed >> config.txt', 'Fix config'), bash(DEPLOY), bash(DEPLOY), text('Still failing.'))
        .script(),
    );
    const run = await runClaude({ prompt: 'deploy', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(lines(path.join(cwd, 'runs.log'))).toBe(4);
    expect(lines(path.join(cwd, 'config.txt'))).toBe(1);
    expect(resultsSeen(model).some((r) => r.text.includes('agent-warden'))).toBe(false);
    expect(run.result!.permission_denials).toEqual([]);
  });

  it('refuses a fourth dispatch of a subagent type that failed three times; other types still dispatch', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const flaky = { name: 'flaky-helper', description: 'Helps with things.', tools: 'Bash', body: 'You help.' };
    const model = await mock(
      conversation()
        .main(
          ...[1, 2, 3, 4].map((i) => dispatch({ subagent_type: 'flaky-helper', prompt: `SUB_FLAKY attempt ${i}`, description: `Attempt ${i}` })),
          dispatch({ subagent_type: 'general-purpose', prompt: 'SUB_OK look', description: 'Other type' }),
          text('Done.'),
        )
        .subagent('SUB_FLAKY', () => ({ error: { status: 400, type: 'invalid_request_error', message: 'SUBAGENT_EXPLODED' }, retry: false }))
        .subagent('SUB_OK', text('REPORT ok'))
        .script(),
    );
    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd: temp(makeProject({ agents: [flaky] })), pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);

    const records = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(records.map((r) => [r.agent_type, r.status])).toEqual([
      ['flaky-helper', 'failed'],
      ['flaky-helper', 'failed'],
      ['flaky-helper', 'failed'],
      ['flaky-helper', 'denied'],
      ['general-purpose', 'completed'],
    ]);
    const denial = resultsSeen(model)[3]!;
    expect(denial.text).toMatch(/^PreToolUse:Agent hook error: agent-warden: circuit breaker open for subagent type "flaky-helper": its last 3 dispatches/);
    expect(denial.text).toContain('SUBAGENT_EXPLODED');
    expect(cliJson<any[]>(['breaker', 'status'], wardenHome).map((c) => c.key)).toContain('agent:flaky-helper');
  });
});

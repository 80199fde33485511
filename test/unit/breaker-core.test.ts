// Issue 5: circuit breakers, driven through the core (`handleHookEvent`) with payloads shaped like
// the captured Claude Code 2.1.328 ones, on a real SQLite file, with a clock the test controls.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { breakerPolicy } from '../../src/core/breaker/policy';
import { resetCircuits } from '../../src/core/breaker/reset';
import { listCircuits } from '../../src/core/breaker/status';
import { defaultConfig, type Config } from '../../src/runtime/config/schema';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { rebuildProjections, snapshotProjections } from '../../src/ledger/rebuild';
import { handleHookEvent, type HookOutput } from '../../src/core/handle-event';
import { parseHookInput } from '../../src/hooks/wire';
import { loadFixtureRun, WIRED } from '../support/fixtures';
import { makeTempDir, type TempDir } from '../support/sandbox';

const MIN = 60_000;
const T0 = Date.parse('2026-11-23T15:43:00Z');
const SESSION = '8c12619b-1862-4c2f-a56e-837916be2354';
const DEPLOY = 'echo run >> runs.log; echo "connection refused" >&2; exit 3';

const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

/** One session against a real ledger file; `now` is the test's clock. */
class Session {
  readonly db: Ledger;
  now = T0;
  private n = 0;

  constructor(readonly config: Config = defaultConfig()) {
    const dir = makeTempDir('breaker');
    cleanups.push(dir);
    this.db = openLedger({ path: path.join(dir.path, 'ledger.db') });
  }

  send(payload: Record<string, unknown>): HookOutput | undefined {
    this.now += 1000;
    const parsed = parseHookInput(JSON.stringify({ session_id: SESSION, cwd: '/p', permission_mode: 'default', ...payload }));
    if (!parsed.ok) throw new Error(parsed.reason);
    return handleHookEvent({ db: this.db, config: this.config, project: '/p', now: this.now, source: 'command', policies: [breakerPolicy] }, parsed.event);
  }

  /** A tool call: PreToolUse, then (unless denied) PostToolUseFailure when `error` is given. Returns the deny reason, if any. */
  call(toolName: string, toolInput: Record<string, unknown>, error?: string, agentId?: string): string | undefined {
    const tool_use_id = `toolu_${++this.n}`;
    const thread = agentId ? { agent_id: agentId, agent_type: 'general-purpose' } : {};
    const out = this.send({ hook_event_name: 'PreToolUse', tool_name: toolName, tool_input: toolInput, tool_use_id, ...thread });
    const denied = out?.hookSpecificOutput?.permissionDecision === 'deny' ? String(out.hookSpecificOutput.permissionDecisionReason) : undefined;
    // Claude Code fires no PostToolUseFailure for a call a hook denied.
    if (!denied && error !== undefined) {
      this.send({ hook_event_name: 'PostToolUseFailure', tool_name: toolName, tool_input: toolInput, tool_use_id, error, is_interrupt: false, duration_ms: 20, ...thread });
    }
    return denied;
  }

  bash(command: string, exitCode = 0, agentId?: string): string | undefined {
    return this.call('Bash', { command, description: 'Run' }, exitCode ? `Exit code ${exitCode}\nboom` : undefined, agentId);
  }

  /** A foreground dispatch that fails (PostToolUseFailure on Agent), or completes (PostToolUse). */
  dispatch(type: string, outcome: 'failed' | 'killed' | 'completed'): string | undefined {
    const input = { description: 'Delegated task', prompt: `do task ${this.n + 1}`, subagent_type: type, run_in_background: false };
    if (outcome === 'completed') {
      const tool_use_id = `toolu_${++this.n}`;
      const out = this.send({ hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: input, tool_use_id });
      if (out?.hookSpecificOutput?.permissionDecision === 'deny') return String(out.hookSpecificOutput.permissionDecisionReason);
      this.send({ hook_event_name: 'PostToolUse', tool_name: 'Agent', tool_input: input, tool_use_id, tool_response: { status: 'completed', agentId: `a${this.n}`, content: [{ type: 'text', text: 'ok' }] } });
      return undefined;
    }
    const tool_use_id = `toolu_${++this.n}`;
    const out = this.send({ hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: input, tool_use_id });
    if (out?.hookSpecificOutput?.permissionDecision === 'deny') return String(out.hookSpecificOutput.permissionDecisionReason);
    this.send({ hook_event_name: 'PostToolUseFailure', tool_name: 'Agent', tool_input: input, tool_use_id, error: outcome === 'killed' ? 'Interrupted' : 'API Error: 500 overloaded', is_interrupt: outcome === 'killed' });
    return undefined;
  }

  circuits(includeClosed = true) {
    return listCircuits(this.db, this.now, { includeClosed });
  }
}

describe('the captured retry loop, replayed through the core', () => {
  it('denies the 4th identical PreToolUse, quoting the error, the count and the way out', () => {
    const run = loadFixtureRun('hooks-retry-loop');
    cleanups.push(run);
    const dir = makeTempDir('ledger');
    cleanups.push(dir);
    const db = openLedger({ path: path.join(dir.path, 'ledger.db') });
    const denied = new Set<string>();
    const verdicts: Array<string | undefined> = [];
    run.payloads.forEach((p, i) => {
      if (!WIRED.has(p.event.hook_event_name)) return;
      // With the breaker in place Claude Code sends no failure for a call it never ran.
      if (p.event.hook_event_name === 'PostToolUseFailure' && denied.has(p.event.tool_use_id)) return;
      const parsed = parseHookInput(p.text);
      if (!parsed.ok) throw new Error(parsed.reason);
      const now = T0 + i * 1000;
      const out = handleHookEvent({ db, config: defaultConfig(), project: '/p', now, source: 'command', policies: [breakerPolicy] }, parsed.event);
      if (p.event.hook_event_name !== 'PreToolUse') return;
      const reason = out?.hookSpecificOutput?.permissionDecision === 'deny' ? String(out.hookSpecificOutput.permissionDecisionReason) : undefined;
      if (reason) denied.add(p.event.tool_use_id);
      verdicts.push(reason);
    });

    expect(verdicts).toHaveLength(10);
    expect(verdicts.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(verdicts.slice(3).every(Boolean)).toBe(true);
    const reason = verdicts[3]!;
    expect(reason).toMatch(/^agent-warden: /);
    expect(reason).toContain('failed 3 times in a row');
    expect(reason).toContain('"Exit code 3 connection refused"');
    expect(reason).toContain('change approach');
    expect(reason).toMatch(/One trial retry is allowed in 10 min/);
    expect(reason).toMatch(/agent-warden breaker reset call:main:[0-9a-f]{16}/);

    const [circuit] = listCircuits(db, T0 + 40_000);
    expect(circuit).toMatchObject({ kind: 'call', state: 'open', failures: 3, cooldown_ms: 10 * MIN, last_error: 'Exit code 3\nconnection refused' });
    expect(circuit!.label).toContain('Bash: echo run >> runs.log');
    // The denials are in the log as decisions, so a rebuild gives the same state.
    const before = snapshotProjections(db);
    rebuildProjections(db, { pricing: {} });
    expect(snapshotProjections(db)).toEqual(before);
    db.close();
  });
});

describe('progress between failures', () => {
  it('fail, fail, a different successful call, fail, fail: all five run', () => {
    const s = new Session();
    expect(s.bash('npm test', 1)).toBeUndefined();
    expect(s.bash('npm test', 1)).toBeUndefined();
    expect(s.call('Edit', { file_path: '/p/src/a.ts', old_string: 'a', new_string: 'b' })).toBeUndefined();
    expect(s.bash('npm test', 1)).toBeUndefined();
    expect(s.bash('npm  test ', 1)).toBeUndefined(); // the same call, spaced differently
    // The streak restarted at the edit: this is only the third failure since.
    expect(s.bash('npm test', 1)).toBeUndefined();
    expect(s.bash('npm test', 1)).toMatch(/^agent-warden: circuit breaker open for Bash: npm test\. This exact call failed 3 times/);
  });

  it('counts failures per call: other failing calls are not progress, and do not trip this one', () => {
    const s = new Session();
    s.bash('make deploy', 2);
    s.bash('curl localhost', 7);
    s.bash('make deploy', 2);
    s.bash('curl localhost', 7);
    expect(s.bash('make deploy', 2)).toBeUndefined();
    expect(s.bash('make deploy')).toMatch(/failed 3 times/);
    expect(s.bash('curl localhost', 7)).toBeUndefined();
  });

  it('progress after a circuit opened lets the call run again', () => {
    const s = new Session();
    for (let i = 0; i < 3; i++) s.bash('npm test', 1);
    expect(s.bash('npm test')).toBeDefined();
    s.call('Edit', { file_path: '/p/src/a.ts', old_string: 'a', new_string: 'b' });
    expect(s.bash('npm test')).toBeUndefined();
    expect(s.circuits()[0]).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('watches each thread on its own: a subagent looping is cut, the main thread is not', () => {
    const s = new Session();
    for (let i = 0; i < 3; i++) s.bash('npm test', 1, 'a7c1');
    expect(s.bash('npm test', 1, 'a7c1')).toMatch(/breaker reset call:a7c1:/);
    expect(s.bash('npm test', 1)).toBeUndefined();
  });

  it('leaves exempt tools alone', () => {
    const config = defaultConfig();
    config.breaker.exempt_tools = ['Bash'];
    const s = new Session(config);
    for (let i = 0; i < 5; i++) expect(s.bash('npm test', 1)).toBeUndefined();
  });
});

describe('agent types', () => {
  it('refuses the 4th dispatch of a type whose last three failed; other types still dispatch', () => {
    const s = new Session();
    expect(s.dispatch('flaky-researcher', 'failed')).toBeUndefined();
    expect(s.dispatch('code-reviewer', 'completed')).toBeUndefined();
    expect(s.dispatch('flaky-researcher', 'killed')).toBeUndefined();
    expect(s.dispatch('flaky-researcher', 'failed')).toBeUndefined();
    const reason = s.dispatch('flaky-researcher', 'completed');
    expect(reason).toMatch(/^agent-warden: circuit breaker open for subagent type "flaky-researcher": its last 3 dispatches/);
    expect(reason).toContain('"API Error: 500 overloaded"');
    expect(reason).toContain('agent-warden breaker reset agent:flaky-researcher');
    expect(s.dispatch('code-reviewer', 'completed')).toBeUndefined();
    expect(s.dispatch('general-purpose', 'completed')).toBeUndefined();
    const denied = s.db.prepare(`SELECT count(*) AS n FROM dispatches WHERE agent_type = 'flaky-researcher' AND status = 'denied'`).get() as { n: number };
    expect(denied.n).toBe(1);
  });

  it('a completed dispatch of the type in between resets its count', () => {
    const s = new Session();
    s.dispatch('tester', 'failed');
    s.dispatch('tester', 'failed');
    s.dispatch('tester', 'completed');
    s.dispatch('tester', 'failed');
    s.dispatch('tester', 'failed');
    expect(s.dispatch('tester', 'failed')).toBeUndefined();
    expect(s.dispatch('tester', 'completed')).toMatch(/circuit breaker open/);
  });

  it('half-opens after the cooldown: a completed trial closes it', () => {
    const s = new Session();
    for (let i = 0; i < 3; i++) s.dispatch('tester', 'failed');
    expect(s.dispatch('tester', 'completed')).toBeDefined();
    s.now += 10 * MIN;
    expect(s.dispatch('tester', 'completed')).toBeUndefined(); // the trial
    expect(s.dispatch('tester', 'completed')).toBeUndefined();
    expect(s.circuits().find((c) => c.key === 'agent:tester')).toMatchObject({ state: 'closed' });
  });

  it('reset through the ledger API forgets the failed dispatches, and a rebuild agrees', () => {
    const s = new Session();
    for (let i = 0; i < 3; i++) s.dispatch('tester', 'failed');
    expect(resetCircuits(s.db, { key: 'agent:tester' }, (s.now += 1000))).toBe(0); // not yet opened: nothing open to close
    expect(s.dispatch('tester', 'failed')).toBeUndefined();
    expect(s.dispatch('tester', 'failed')).toBeUndefined();
    expect(s.dispatch('tester', 'failed')).toBeUndefined();
    expect(s.dispatch('tester', 'failed')).toMatch(/circuit breaker open/);
    expect(resetCircuits(s.db, { all: true, sessionId: SESSION }, (s.now += 1000))).toBe(1);
    const before = snapshotProjections(s.db);
    rebuildProjections(s.db, { pricing: {} });
    expect(snapshotProjections(s.db)).toEqual(before);
    expect(s.dispatch('tester', 'completed')).toBeUndefined();
  });
});

describe('half-open after the cooldown', () => {
  it('one trial; a failed trial reopens with the cooldown doubled, a successful one closes', () => {
    const s = new Session();
    for (let i = 0; i < 3; i++) s.bash('./deploy.sh', 3);
    const openedAt = s.now; // the third failure
    expect(s.bash('./deploy.sh', 3)).toMatch(/in 10 min/);
    s.now = openedAt + 10 * MIN - 5000;
    expect(s.bash('./deploy.sh', 3)).toBeDefined(); // still cooling down

    s.now = openedAt + 10 * MIN;
    expect(s.bash('./deploy.sh', 3)).toBeUndefined(); // the trial runs, and fails
    const trialFailedAt = s.now;
    const reopened = s.bash('./deploy.sh');
    expect(reopened).toMatch(/failed 4 times in a row/);
    expect(reopened).toMatch(/in 20 min/);
    expect(s.circuits()[0]).toMatchObject({ state: 'open', cooldown_ms: 20 * MIN, opened_at: trialFailedAt, failures: 4 });

    s.now = trialFailedAt + 20 * MIN;
    expect(s.circuits()[0]).toMatchObject({ state: 'open', effective_state: 'half_open' });
    expect(s.bash('./deploy.sh')).toBeUndefined(); // the second trial succeeds
    expect(s.bash('./deploy.sh', 3)).toBeUndefined();
    expect(s.circuits()[0]).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('allows one trial at a time: while a background trial dispatch runs, others of its type are refused', () => {
    const s = new Session();
    for (let i = 0; i < 3; i++) s.dispatch('tester', 'failed');
    s.now += 10 * MIN;
    const input = { description: 'Delegated task', prompt: 'try again', subagent_type: 'tester', run_in_background: true };
    expect(s.send({ hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: input, tool_use_id: 'toolu_bg' })).toBeUndefined();
    s.send({ hook_event_name: 'PostToolUse', tool_name: 'Agent', tool_input: input, tool_use_id: 'toolu_bg', tool_response: { status: 'async_launched', agentId: 'abg' } });
    expect(s.dispatch('tester', 'completed')).toMatch(/^agent-warden: circuit breaker half-open for subagent type "tester": its one trial is still running/);
    // The trial finishes (its subagent stops): the circuit closes.
    s.send({ hook_event_name: 'SubagentStop', agent_id: 'abg', agent_type: 'tester', last_assistant_message: 'done' });
    expect(s.dispatch('tester', 'completed')).toBeUndefined();
    expect(s.circuits().find((c) => c.key === 'agent:tester')).toMatchObject({ state: 'closed' });
  });
});

describe('error rate', () => {
  it('warns the model once per window when failures pile up across different calls', () => {
    const s = new Session();
    const contexts: Array<string | undefined> = [];
    for (let i = 0; i < 12; i++) {
      s.bash(`node try-${i}.js`, 1);
      const out = s.send({ hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: `/p/f${i}` }, tool_use_id: `toolu_r${i}` });
      contexts.push(out?.hookSpecificOutput?.additionalContext as string | undefined);
    }
    const warned = contexts.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
    expect(warned).toEqual([8]); // the 9th failure is more than 8; once in the window
    expect(contexts[8]).toMatch(/^agent-warden: 9 tool calls failed in this session in the last 5 minutes/);

    s.now += 5 * MIN;
    for (let i = 0; i < 9; i++) s.bash(`node again-${i}.js`, 1);
    const out = s.send({ hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: '/p/x' }, tool_use_id: 'toolu_rx' });
    expect(out?.hookSpecificOutput?.additionalContext).toMatch(/9 tool calls failed/);
  });
});

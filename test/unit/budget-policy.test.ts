// Issue 4: the budget policy, driven through the core (`handleHookEvent`) on a real SQLite file,
// with real transcript files for billed usage and a clock the test controls.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { budgetPolicy } from '../../src/core/budget/policy';
import { schemas, type Config, type ConfigInput } from '../../src/runtime/config/schema';
import { handleHookEvent, type HookOutput } from '../../src/core/handle-event';
import { parseHookInput } from '../../src/hooks/wire';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { appendEvent } from '../../src/ledger/events';
import { project } from '../../src/ledger/project';
import { listDispatches } from '../../src/ledger/read-dispatches';
import { estimate } from '../../src/runtime/tokens/pricing';
import { makeTempDir, type TempDir } from '../support/sandbox';

const T0 = Date.parse('2026-06-10T12:00:00Z');
const SESSION = 'sess-budget-1';

const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

class Session {
  readonly db: Ledger;
  readonly config: Config;
  readonly dir: string;
  readonly transcript: string;
  now = T0;
  private n = 0;

  constructor(config: ConfigInput) {
    const dir = makeTempDir('budget');
    cleanups.push(dir);
    this.dir = dir.path;
    this.config = schemas().configSchema.parse({ timezone: 'UTC', ...config });
    this.db = openLedger({ path: path.join(dir.path, 'ledger.db') });
    this.transcript = path.join(dir.path, `${SESSION}.jsonl`);
    fs.writeFileSync(this.transcript, '');
  }

  /** The main thread bills `tokens` more (one assistant message in its transcript). */
  bill(tokens: number, model = 'claude-sonnet-4-5'): void {
    fs.appendFileSync(this.transcript, assistantLine(`msg_${++this.n}`, tokens, this.now, model) + '\n');
  }

  send(payload: Record<string, unknown>): HookOutput | undefined {
    this.now += 1000;
    const parsed = parseHookInput(JSON.stringify({ session_id: SESSION, cwd: '/p', transcript_path: this.transcript, ...payload }));
    if (!parsed.ok) throw new Error(parsed.reason);
    return handleHookEvent({ db: this.db, config: this.config, project: '/p', now: this.now, source: 'command', policies: [budgetPolicy] }, parsed.event);
  }

  bash(agentId?: string) {
    return this.send({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: `toolu_b${++this.n}`, tool_input: { command: 'ls' }, ...(agentId ? { agent_id: agentId } : {}) });
  }

  dispatch(type = 'worker', id = `toolu_d${++this.n}`) {
    return this.send({ hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: id, tool_input: { subagent_type: type, prompt: 'go', description: 'job' } });
  }

  /** A subagent of `type` that billed `tokens`, then stopped; with `toolUseId`, the dispatch that started it returns. */
  subagent(agentId: string, type: string, tokens: number, toolUseId?: string): void {
    const file = path.join(this.transcript.replace(/\.jsonl$/, ''), 'subagents', `agent-${agentId}.jsonl`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, assistantLine(`sub_${agentId}`, tokens, this.now, 'claude-sonnet-4-5') + '\n');
    this.send({ hook_event_name: 'SubagentStart', agent_id: agentId, agent_type: type });
    this.send({ hook_event_name: 'SubagentStop', agent_id: agentId, agent_type: type, agent_transcript_path: file });
    if (toolUseId) this.send({ hook_event_name: 'PostToolUse', tool_name: 'Agent', tool_use_id: toolUseId, tool_input: {}, tool_response: { status: 'completed', agentId } });
  }
}

function assistantLine(id: string, tokens: number, ts: number, model: string): string {
  return JSON.stringify({ type: 'assistant', timestamp: new Date(ts).toISOString(), message: { id, model, role: 'assistant', content: [], usage: { input_tokens: tokens, output_tokens: 0 } } });
}

const denial = (out: HookOutput | undefined) => (out?.hookSpecificOutput?.permissionDecision === 'deny' ? String(out.hookSpecificOutput.permissionDecisionReason) : undefined);
const context = (out: HookOutput | undefined) => out?.hookSpecificOutput?.additionalContext as string | undefined;

describe('budget policy', () => {
  it('warns once past warn_at, once more when spent, and then denies dispatches but not other tools', () => {
    const s = new Session({ budgets: [{ scope: 'session', limit_tokens: 1000, warn_at: 0.5 }] });
    s.bill(600);
    expect(context(s.bash())).toMatch(/^agent-warden: the session budget is at 60%; once it is spent, new subagent dispatches will be denied/);
    expect(s.bash()).toBeUndefined();
    s.bill(500);
    expect(context(s.bash())).toMatch(/the session budget is spent; new subagent dispatches will be denied \(1,100 tokens of 1,000 tokens used/);
    expect(s.bash()).toBeUndefined();
    expect(denial(s.dispatch())).toMatch(/^agent-warden: the session budget is spent: 1,100 tokens of 1,000 tokens used \(110%\); it ends with this session\. Dispatch denied/);
    const notices = s.db.prepare('SELECT threshold FROM budget_notices ORDER BY threshold').all();
    expect(notices).toEqual([{ threshold: 0.5 }, { threshold: 1 }]);
  });

  it('on_exhausted all_tools denies every tool call once spent', () => {
    const s = new Session({ budgets: [{ scope: 'session', limit_tokens: 500, on_exhausted: 'all_tools' }] });
    s.bill(400);
    expect(denial(s.bash())).toBeUndefined();
    s.bill(200);
    expect(denial(s.bash())).toMatch(/^agent-warden: the session budget is spent: 600 tokens of 500 tokens used .* This Bash call denied/);
    expect(s.db.prepare(`SELECT status FROM tool_calls WHERE tool_name = 'Bash' ORDER BY seq DESC LIMIT 1`).get()).toEqual({ status: 'denied' });
  });

  it('running dispatches hold their predicted tokens until they end, so later ones see them', () => {
    const s = new Session({ budgets: [{ scope: 'session', limit_tokens: 1000 }], budget: { default_dispatch_tokens: 400 } });
    expect(denial(s.dispatch('worker', 'toolu_r1'))).toBeUndefined();
    expect(denial(s.dispatch('worker', 'toolu_r2'))).toBeUndefined();
    expect(denial(s.dispatch('worker', 'toolu_r3'))).toMatch(/predicted to bill about 400 tokens \(budget\.default_dispatch_tokens\).*800 tokens of 1,000 tokens used \(80%\) \(800 tokens of it reserved by running dispatches\)/);
    s.send({ hook_event_name: 'PostToolUseFailure', tool_name: 'Agent', tool_use_id: 'toolu_r1', tool_input: {}, error: 'boom' });
    expect(denial(s.dispatch('worker', 'toolu_r4'))).toBeUndefined();
    const byId = Object.fromEntries(listDispatches(s.db, { sessionId: SESSION }).map((d) => [d.tool_use_id, d.status]));
    expect(byId).toEqual({ toolu_r1: 'failed', toolu_r2: 'running', toolu_r3: 'denied', toolu_r4: 'running' });
  });

  it('predicts from the median of the type’s completed dispatches', () => {
    const s = new Session({ budgets: [{ scope: 'session', limit_tokens: 10_000 }] });
    for (const [i, tokens] of [100, 3000, 200].entries()) {
      s.dispatch('worker', `toolu_h${i}`);
      s.subagent(`agent${i}`, 'worker', tokens, `toolu_h${i}`);
    }
    expect(listDispatches(s.db, { agentType: 'worker' }).map((d) => [d.status, d.total_tokens])).toEqual([
      ['completed', 100],
      ['completed', 3000],
      ['completed', 200],
    ]);
    s.dispatch('worker', 'toolu_next');
    const reserved = s.db.prepare(`SELECT reserved_tokens FROM dispatches WHERE tool_use_id = 'toolu_next'`).get();
    expect(reserved).toEqual({ reserved_tokens: 200 });
  });

  it('an agent-type budget with all_tools stops that type’s dispatches and its subagents’ calls, nothing else', () => {
    const s = new Session({ budgets: [{ scope: 'day', agent_type: 'reviewer', limit_tokens: 100, on_exhausted: 'all_tools' }] });
    s.subagent('rev1', 'reviewer', 300);
    expect(denial(s.bash('rev1'))).toMatch(/the day budget for reviewer dispatches is spent: 300 tokens of 100 tokens/);
    expect(denial(s.bash())).toBeUndefined();
    expect(denial(s.dispatch('worker'))).toBeUndefined();
    expect(denial(s.dispatch('reviewer'))).toMatch(/it resets 2026-06-11 00:00 UTC \(in 11 h \d+ min\)/);
  });

  it('a USD budget counts a model without a price at the estimate, says so, and a logged override raises the limit', () => {
    const s = new Session({ budgets: [{ scope: 'day', limit_usd: 5 }], pricing: { 'test-model': { input: 10, output: 0 } } });
    s.bill(100_000, 'test-model'); // $1.00
    s.bill(1_000_000, 'unknown-model'); // no price: counted as the newest Opus, never as $0
    const est = estimate('unknown-model').rates.input; // USD for its million input tokens
    const spent = 1 + est;
    expect(est).toBeGreaterThan(0);
    expect(denial(s.dispatch())).toContain(
      `the day budget is spent: $${spent.toFixed(2)} of $5.00 used (${Math.floor((spent / 5) * 100)}%; it includes an estimate for 1,000,000 tokens of models without a known price)`,
    );
    const raise = Math.ceil(spent - 5) + 1;
    const ev = appendEvent(s.db, { kind: 'budget_override', receivedAt: s.now, sessionId: SESSION, source: 'cli', payload: { session_id: SESSION, add_usd: raise } });
    project(s.db, ev!, { pricing: s.config.pricing });
    expect(denial(s.dispatch())).toBeUndefined();
    const other = appendEvent(s.db, { kind: 'budget_override', receivedAt: s.now, sessionId: 'other', source: 'cli', payload: { session_id: 'other', add_usd: 100 } });
    project(s.db, other!, { pricing: s.config.pricing });
    s.bill(200_000, 'test-model'); // +$2.00, past the raised limit: the other session's raise does not count here
    expect(denial(s.dispatch())).toMatch(new RegExp(`of \\$${5 + raise}\\.00 including an override of \\$${raise}\\.00`));
  });

  it('does nothing without budgets', () => {
    const s = new Session({});
    s.bill(10_000_000);
    expect(s.dispatch()).toBeUndefined();
  });
});

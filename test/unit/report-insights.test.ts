/**
 * failures (dead letters), replay, the session report and optimize's rules, over a real ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listDispatches } from '../../src/ledger/read-dispatches';
import { queryFailures, replayInput } from '../../src/report/failures';
import { buildOptimizeReport } from '../../src/report/optimize';
import { queryDispatchCounts, queryMainRequests, queryRepeatedContext } from '../../src/report/optimize-query';
import { buildSessionReport } from '../../src/report/session-report';
import { sessionMarkdown } from '../../src/report/session-markdown';
import { queryMainThread, queryUsageRows } from '../../src/report/usage-query';
import { buildUsageReport } from '../../src/report/usage-report';
import { addDispatch, addMainUsage, seededLedger, type SeededLedger } from '../support/report-seed';

let ledger: SeededLedger | undefined;
afterEach(() => ledger?.cleanup());

const run = { input: 10, output: 10, cacheWrite: 0, cacheRead: 0, costUsd: 0.01 };
const big = { path: 'docs/spec.md', bytes: 8000, tokens: 2000 };

function seed(): SeededLedger {
  ledger = seededLedger();
  const { db } = ledger;
  addDispatch(db, { session: 's1', toolUseId: 't1', agentType: 'flaky', status: 'failed', startedAt: 100, durationMs: 5, error: 'tool crashed', run, contextFiles: [big] });
  addDispatch(db, { session: 's1', toolUseId: 't2', agentType: 'flaky', status: 'killed', startedAt: 200, durationMs: 5, error: 'interrupted', run, contextFiles: [big, { path: 'a.ts', bytes: 40, tokens: 10 }] });
  addDispatch(db, { session: 's1', toolUseId: 't3', agentType: 'flaky', startedAt: 300, durationMs: 5, run, contextFiles: [big, { path: 'a.ts', bytes: 40, tokens: 10 }] });
  addDispatch(db, { session: 's1', toolUseId: 't4', agentType: 'writer', status: 'denied', startedAt: 400, error: 'agent-warden: budget day is spent' });
  addDispatch(db, { session: 's2', toolUseId: 't5', agentType: 'writer', status: 'failed', startedAt: 500, project: '/p/other', error: 'elsewhere' });
  db.prepare(`INSERT INTO sessions (session_id, project, started_at) VALUES ('s1', '/p/app', 50), ('s2', '/p/other', 60)`).run();
  db.prepare(`INSERT INTO circuits (session_id, key, kind, label, state, failures, opened_at, last_error, updated_at) VALUES
    ('s1', 'call:Bash:npm test', 'call', 'Bash npm test', 'open', 3, 350, 'exit 1', 350),
    ('s1', 'call:Bash:ls', 'call', 'Bash ls', 'closed', 0, NULL, NULL, 360),
    ('s2', 'call:Bash:make', 'call', 'Bash make', 'half_open', 3, 370, 'exit 2', 370)`).run();
  addMainUsage(db, { session: 's1', id: 'm1', ts: 100, input: 500, output: 50, costUsd: 0.05 });
  addMainUsage(db, { session: 's1', id: 'm2', ts: 300, input: 600, output: 60, costUsd: 0.06 });
  return ledger;
}

describe('failures', () => {
  it('lists failed, killed and denied dispatches newest first, and circuits not closed, in the project', () => {
    const { db } = seed();
    const r = queryFailures(db, { project: '/p/app' });
    expect(r.dispatches.map((d) => [d.tool_use_id, d.status, d.error])).toEqual([
      ['t4', 'denied', 'agent-warden: budget day is spent'],
      ['t2', 'killed', 'interrupted'],
      ['t1', 'failed', 'tool crashed'],
    ]);
    expect(r.circuits.map((c) => [c.key, c.state])).toEqual([['call:Bash:npm test', 'open']]);
    expect(queryFailures(db, {}).circuits.map((c) => c.state)).toEqual(['half_open', 'open']);
  });

  it('replays the exact Agent tool input the hook received, falling back to the dispatch row', () => {
    const { db } = seed();
    const input = { subagent_type: 'flaky', description: 'Run tests', prompt: 'PROMPT "with" quotes\nand lines', model: 'haiku', run_in_background: true };
    db.prepare(`INSERT INTO events (uid, received_at, kind, session_id, tool_use_id, source, payload) VALUES ('u1', 100, 'PreToolUse', 's1', 't1', 'command', ?)`).run(
      JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: input }),
    );
    const [t1] = listDispatches(db, { id: 't1' });
    expect(replayInput(db, t1!)).toEqual(input);
    const [t4] = listDispatches(db, { id: 't4' });
    expect(replayInput(db, t4!)).toEqual({ subagent_type: 'writer', description: 'task', prompt: 'do it', run_in_background: false });
  });
});

describe('session report', () => {
  it('tells the session in order with context, results, cost and main-thread tokens', () => {
    const { db } = seed();
    const r = buildSessionReport(
      { session_id: 's1', project: '/p/app', started_at: 50, ended_at: null, end_reason: null },
      listDispatches(db, { sessionId: 's1' }),
      queryMainThread(db, { sessionId: 's1' }),
      '2025-11-24',
    );
    expect(r.dispatches.map((d) => d.status)).toEqual(['failed', 'killed', 'completed', 'denied']);
    expect(r.dispatches[1]!.context_files.map((f) => f.path)).toEqual(['docs/spec.md', 'a.ts']);
    expect(r.subagents).toMatchObject({ dispatches: 4, tokens: { total: 60 } });
    expect(r.subagents.cost_usd).toBeCloseTo(0.03, 9);
    expect(r.main_thread).toMatchObject({ messages: 2, tokens: { total: 1210 } });
    const md = sessionMarkdown(r);
    expect(md).toContain('### 4. writer — task [denied]');
    expect(md).toContain('- context: docs/spec.md (~2,000 tok), a.ts (~10 tok)');
    expect(md).toContain('Main thread: 2 messages, 1,210 tokens');
  });
});

describe('optimize', () => {
  it('finds unused listed agents, repeated large context and failing agent types', () => {
    const { db } = seed();
    const scope = { project: '/p/app' };
    const { groups, total } = queryUsageRows(db, scope, 'agent');
    const report = buildOptimizeReport({
      listedAgents: [
        { name: 'flaky', tier: 'core', listing_tokens: 40 },
        { name: 'idle-helper', tier: 'core', listing_tokens: 55 },
      ],
      dispatchCounts: queryDispatchCounts(db, scope),
      mainRequests: queryMainRequests(db, scope),
      repeatedContext: queryRepeatedContext(db, scope),
      byAgent: buildUsageReport({ scope, by: 'agent', groups, total, pricingDate: 'x', generatedAt: 0 }).groups,
      budgets: [{ budget: 'day', unit: 'tokens', percent: 91, spent: 910, limit: 1000, resets_at: null }],
    });
    expect(report.advice.map((a) => [a.rule, a.subject, a.tokens])).toEqual([
      ['unused-agent', 'idle-helper', 110],
      // a.ts repeats too, but is below the size worth mentioning.
      ['repeated-context', 'docs/spec.md', 4000],
      ['failing-agent', 'flaky', undefined],
      ['budget-near-limit', 'day', undefined],
    ]);
    expect(report.skipped).toEqual([]);
  });

  it('skips the rules whose facts are unavailable instead of failing', () => {
    const report = buildOptimizeReport({ dispatchCounts: new Map(), mainRequests: 0, repeatedContext: [], byAgent: [] });
    expect(report.advice).toEqual([]);
    expect(report.skipped.map((s) => s.rule)).toEqual(['unused-agent', 'budget-near-limit']);
  });
});

/**
 * The usage report over a real SQLite ledger: SQL aggregates per group and in total, the pure
 * builder, and the documented JSON schema (docs/report-json.md, mirrored below in zod).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryMainThread, queryUsageRows, type GroupBy } from '../../src/report/usage-query';
import { buildUsageReport } from '../../src/report/usage-report';
import type { ReportScope } from '../../src/report/scope';
import { reportSchema } from '../support/report-json-schema';
import { addDispatch, addMainUsage, seededLedger, type SeededLedger } from '../support/report-seed';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const HOUR = 3_600_000;

let ledger: SeededLedger | undefined;
afterEach(() => ledger?.cleanup());

function seed(): SeededLedger {
  ledger = seededLedger();
  const { db } = ledger;
  const run = (input: number, cost: number | null, extra: Partial<{ model: string; unpriced: number }> = {}) => ({ input, output: 10, cacheWrite: 5, cacheRead: 100, costUsd: cost, ...extra });
  addDispatch(db, { session: 's1', toolUseId: 't1', agentType: 'reviewer', startedAt: T0, durationMs: 1000, reportedTotal: 120, run: run(20, 0.01) });
  addDispatch(db, { session: 's1', toolUseId: 't2', agentType: 'reviewer', startedAt: T0 + HOUR, durationMs: 3000, reportedTotal: 130, run: run(30, 0.02) });
  addDispatch(db, { session: 's1', toolUseId: 't3', agentType: 'reviewer', status: 'failed', startedAt: T0 + 2 * HOUR, durationMs: 5000, error: 'boom', run: run(40, 0.03) });
  addDispatch(db, { session: 's2', toolUseId: 't4', agentType: 'writer', status: 'denied', startedAt: T0 + 25 * HOUR, error: 'agent-warden: budget' });
  addDispatch(db, { session: 's2', toolUseId: 't5', agentType: 'writer', startedAt: T0 + 26 * HOUR, durationMs: 2000, run: run(50, null, { model: 'mystery-1', unpriced: 165 }) });
  addDispatch(db, { session: 's3', toolUseId: 't6', agentType: 'reviewer', project: '/p/other', startedAt: T0, durationMs: 9000, run: run(60, 0.5) });
  addMainUsage(db, { session: 's1', id: 'm1', ts: T0, input: 1000, output: 100, costUsd: 0.1 });
  addMainUsage(db, { session: 's3', id: 'm2', project: '/p/other', ts: T0, input: 7, output: 7, costUsd: 0.2 });
  return ledger;
}

function report(scope: ReportScope, by: GroupBy = 'agent') {
  const { db } = ledger!;
  const { groups, total } = queryUsageRows(db, scope, by);
  return buildUsageReport({ scope, by, groups, total, mainThread: scope.agentType ? undefined : queryMainThread(db, scope), pricingDate: '2025-11-24', generatedAt: T0 });
}

describe('usage report', () => {
  it('aggregates per agent type and in total, within one project', () => {
    seed();
    const r = report({ project: '/p/app' });
    expect(reportSchema.safeParse(r).success).toBe(true);
    expect(r.groups.map((g) => g.key)).toEqual(['reviewer', 'writer']);
    const [reviewer, writer] = r.groups;
    expect(reviewer).toMatchObject({ dispatches: 3, completed: 2, failed: 1, success_rate: 2 / 3, reported_total_tokens: 250, reported_dispatches: 2 });
    expect(reviewer!.tokens).toEqual({ input: 90, output: 30, cache_write: 15, cache_read: 300, total: 435 });
    expect(reviewer!.cost_usd).toBeCloseTo(0.06, 9);
    // Percentiles of 1 s, 3 s, 5 s with linear interpolation (SQLite's percentile()).
    expect(reviewer!.duration_ms).toEqual({ p50: 3000, p95: 4800 });
    // The denied dispatch never ran: counted, but no duration, tokens or cost.
    expect(writer).toMatchObject({ dispatches: 2, denied: 1, completed: 1, success_rate: 1, duration_ms: { p50: 2000, p95: 2000 }, reported_total_tokens: null });
    expect(writer!.unpriced_tokens).toBe(165);
    expect(writer!.cost_usd).toBe(0);
    // The total is computed over all dispatches, not from the groups' percentiles.
    expect(r.total).toMatchObject({ key: 'total', dispatches: 5, completed: 3, failed: 1, denied: 1, unpriced_tokens: 165, duration_ms: { p50: 2500, p95: 4700 } });
    expect(r.main_thread).toEqual({ messages: 1, tokens: { input: 1000, output: 100, cache_write: 0, cache_read: 0, total: 1100 }, cost_usd: 0.1, unpriced_tokens: 0 });
  });

  it('groups by day, session, model and project, and filters by time, agent and session', () => {
    seed();
    expect(report({ project: '/p/app' }, 'day').groups.map((g) => [g.key, g.dispatches])).toEqual([['2026-11-20', 3], ['2026-11-21', 2]]);
    expect(report({}, 'project').groups.map((g) => [g.key, g.dispatches])).toEqual([['/p/app', 5], ['/p/other', 1]]);
    expect(report({}, 'model').groups.map((g) => [g.key, g.dispatches])).toEqual([['claude-sonnet-4-5', 4], ['mystery-1', 1], ['unknown', 1]]);
    expect(report({ since: T0 + HOUR, until: T0 + 26 * HOUR }, 'session').groups.map((g) => [g.key, g.dispatches])).toEqual([['s1', 2], ['s2', 1]]);
    const one = report({ agentType: 'writer' });
    expect(one.total.dispatches).toBe(2);
    expect(one.main_thread).toBeNull();
    expect(report({ sessionId: 's3' }).main_thread?.tokens.total).toBe(14);
  });

  it('gives the documented empty report for an empty ledger', () => {
    ledger = seededLedger();
    const r = report({ project: '/p/none', since: T0 });
    expect(reportSchema.safeParse(r).success).toBe(true);
    expect(r.groups).toEqual([]);
    expect(r.total).toMatchObject({ dispatches: 0, success_rate: null, duration_ms: { p50: null, p95: null }, reported_total_tokens: null });
    expect(r.filters).toEqual({ since: new Date(T0).toISOString(), until: null, project: '/p/none', agent: null, session: null });
  });

  it('documents every field the report emits', () => {
    seed();
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/report-json.md'), 'utf8');
    const r = report({});
    const fields = new Set([...Object.keys(r), ...Object.keys(r.filters), ...Object.keys(r.total), ...Object.keys(r.total.tokens), ...Object.keys(r.main_thread!)]);
    // Named in a code span (`field` or `{a, field}`) or as a JSON key ("field").
    for (const field of fields) expect(new RegExp(`\`[^\`\\n]*\\b${field}\\b[^\`\\n]*\`|"${field}"`).test(doc), field).toBe(true);
  });
});

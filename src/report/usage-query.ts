// The usage report's numbers, aggregated inside SQLite: one pass over dispatches joined with the
// runs they started, grouped by the chosen key, plus the same aggregate without grouping for the
// total (percentiles cannot be summed from groups). Rows go to the pure builder in usage-report.ts.
import type { Ledger } from '../ledger/db';
import { dispatchWhere, mainUsageWhere, type ReportScope } from './scope';

export const GROUP_BYS = ['agent', 'model', 'day', 'session', 'project'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const GROUP_KEY: Record<GroupBy, string> = {
  agent: `coalesce(d.agent_type, 'unknown')`,
  model: `coalesce(r.model, d.model, 'unknown')`,
  day: `strftime('%Y-%m-%d', d.started_at / 1000, 'unixepoch')`,
  session: 'd.session_id',
  project: `coalesce(d.project, 'unknown')`,
};

/** One aggregate row as SQLite returns it. */
export interface UsageRow {
  key: string | null;
  dispatches: number;
  completed: number;
  failed: number;
  killed: number;
  denied: number;
  running: number;
  p50_ms: number | null;
  p95_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  reported_total_tokens: number | null;
  reported_dispatches: number;
  cost_usd: number;
  unpriced_tokens: number;
}

export interface MainThreadRow {
  messages: number;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  cost_usd: number;
  unpriced_tokens: number;
}

// A dispatch's duration: what Claude Code reported, else from its start to the latest end seen.
// Denied dispatches never ran, so they have no duration.
const DURATION = `CASE WHEN d.status = 'denied' THEN NULL ELSE coalesce(d.duration_ms, max(d.ended_at, coalesce(r.ended_at, 0)) - d.started_at) END`;

const METRICS = `
  count(*) AS dispatches,
  sum(d.status = 'completed') AS completed, sum(d.status = 'failed') AS failed, sum(d.status = 'killed') AS killed,
  sum(d.status = 'denied') AS denied, sum(d.status = 'running') AS running,
  percentile(${DURATION}, 50) AS p50_ms, percentile(${DURATION}, 95) AS p95_ms,
  coalesce(sum(r.input_tokens), 0) AS input_tokens, coalesce(sum(r.output_tokens), 0) AS output_tokens,
  coalesce(sum(r.cache_creation_tokens), 0) AS cache_write_tokens, coalesce(sum(r.cache_read_tokens), 0) AS cache_read_tokens,
  coalesce(sum(r.total_tokens), 0) AS total_tokens,
  sum(d.reported_total_tokens) AS reported_total_tokens, count(d.reported_total_tokens) AS reported_dispatches,
  coalesce(sum(r.cost_usd), 0) AS cost_usd, coalesce(sum(r.unpriced_tokens), 0) AS unpriced_tokens`;

const FROM = 'FROM dispatches d LEFT JOIN agent_runs r ON r.session_id = d.session_id AND r.agent_id = d.agent_id';

export function queryUsageRows(db: Ledger, scope: ReportScope, by: GroupBy): { groups: UsageRow[]; total: UsageRow } {
  const { where, args } = dispatchWhere(scope);
  const key = GROUP_KEY[by];
  const groups = db.prepare(`SELECT ${key} AS key, ${METRICS} ${FROM} ${where} GROUP BY 1 ORDER BY 1`).all(...args) as UsageRow[];
  const total = db.prepare(`SELECT NULL AS key, ${METRICS} ${FROM} ${where}`).get(...args) as UsageRow;
  return { groups, total };
}

export function queryMainThread(db: Ledger, scope: ReportScope): MainThreadRow {
  const { where, args } = mainUsageWhere(scope);
  return db
    .prepare(
      `SELECT count(*) AS messages, coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
         coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens), 0) AS cache_write_tokens, coalesce(sum(cache_read_tokens), 0) AS cache_read_tokens,
         coalesce(sum(total_tokens), 0) AS total_tokens, coalesce(sum(cost_usd), 0) AS cost_usd,
         coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0) AS unpriced_tokens
       FROM usage u ${where}`,
    )
    .get(...args) as MainThreadRow;
}

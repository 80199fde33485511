// Facts the optimize rules need, read from the ledger: context files several dispatches were
// handed, and how many main-thread requests carried the agent listing.
import type { Ledger } from '../ledger/db';
import { dispatchWhere, mainUsageWhere, type ReportScope } from './scope';

export interface RepeatedContext {
  path: string;
  dispatches: number;
  tokens: number;
  agent_types: string[];
}

/** Context files named by more than one dispatch in scope (each entry: {path, bytes, tokens}). */
export function queryRepeatedContext(db: Ledger, scope: ReportScope, limit = 20): RepeatedContext[] {
  const { where, args } = dispatchWhere(scope, ['d.context_files IS NOT NULL', 'json_valid(d.context_files)']);
  const rows = db
    .prepare(
      `SELECT j.value ->> '$.path' AS path, count(DISTINCT d.id) AS dispatches, max(j.value ->> '$.tokens') AS tokens,
         group_concat(DISTINCT coalesce(d.agent_type, 'unknown')) AS types
       FROM dispatches d, json_each(d.context_files) j ${where}
       GROUP BY d.project, path HAVING dispatches > 1
       ORDER BY (dispatches - 1) * tokens DESC LIMIT ${Math.floor(limit)}`,
    )
    .all(...args) as Array<{ path: string; dispatches: number; tokens: number; types: string }>;
  return rows.map((r) => ({ path: r.path, dispatches: r.dispatches, tokens: Number(r.tokens) || 0, agent_types: r.types.split(',') }));
}

export function queryDispatchCounts(db: Ledger, scope: ReportScope): Map<string, number> {
  const { where, args } = dispatchWhere(scope);
  const rows = db.prepare(`SELECT d.agent_type AS type, count(*) AS n FROM dispatches d ${where} GROUP BY 1`).all(...args) as Array<{ type: string | null; n: number }>;
  return new Map(rows.filter((r) => r.type).map((r) => [r.type!, r.n]));
}

/** Main-thread model requests in scope: each one carried the agent listing. */
export function queryMainRequests(db: Ledger, scope: ReportScope): number {
  const { where, args } = mainUsageWhere(scope);
  return (db.prepare(`SELECT count(*) AS n FROM usage u ${where}`).get(...args) as { n: number }).n;
}

// What /metrics exposes, read from the ledger in one pass: totals since the ledger began (Prometheus
// counters), plus the state of circuits and budgets now (gauges). Pure reads of the projections.
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { budgetStatus } from '../core/budget/status';

export interface MetricsSnapshot {
  dispatches: { agent_type: string; status: string; n: number }[];
  usage: { agent_type: string; model: string; tokens: number; cost_usd: number }[];
  denials: { policy: string; n: number }[];
  openCircuits: { kind: string; n: number }[];
  budgets: { budget: string; scope: string; unit: string; ratio: number }[];
}

export function metricsSnapshot(db: Ledger, config: Config, project: string, now: number): MetricsSnapshot {
  const dispatches = db
    .prepare(`SELECT coalesce(agent_type, requested_type, 'unknown') AS agent_type, status, count(*) AS n FROM dispatches GROUP BY 1, 2`)
    .all() as MetricsSnapshot['dispatches'];
  // Every billed token of this machine: the main thread ('' agent) is labelled `main`.
  const usage = db
    .prepare(
      `SELECT CASE WHEN agent_id = '' THEN 'main' ELSE coalesce(agent_type, 'unknown') END AS agent_type, coalesce(model, 'unknown') AS model,
              sum(total_tokens) AS tokens, coalesce(sum(cost_usd), 0) AS cost_usd
       FROM usage GROUP BY 1, 2`,
    )
    .all() as MetricsSnapshot['usage'];
  // Every denial is a `decision` event (budgets, caps, breakers, dispatch governance alike).
  const denials = db
    .prepare(`SELECT coalesce(json_extract(payload, '$.policy'), 'unknown') AS policy, count(*) AS n FROM events WHERE kind = 'decision' AND json_extract(payload, '$.deny') = 1 GROUP BY 1`)
    .all() as MetricsSnapshot['denials'];
  const openCircuits = db.prepare(`SELECT kind, count(*) AS n FROM circuits WHERE state = 'open' GROUP BY kind`).all() as MetricsSnapshot['openCircuits'];
  const budgets = budgetStatus(db, config, { sessionId: '', project }, now).map((b) => ({
    budget: b.budget,
    scope: b.scope,
    unit: b.unit,
    ratio: b.limit > 0 ? (b.spent + b.reserved) / b.limit : 0,
  }));
  return { dispatches, usage, denials, openCircuits, budgets };
}

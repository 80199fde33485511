// How much a dispatch will bill before it runs: the median of what this agent type's recent
// completed dispatches billed (the median, so one runaway run does not inflate every forecast).
// With no history, `budget.default_dispatch_tokens` (0 unless configured: no guess is made).
import type { Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';

export interface Prediction {
  tokens: number;
  /** How many completed dispatches the median came from; 0 = the configured default. */
  basis: number;
}

export function predictDispatch(db: Ledger, config: Config, agentType: string): Prediction {
  const rows = db
    .prepare(
      `SELECT r.total_tokens AS tokens FROM dispatches d
       JOIN agent_runs r ON r.session_id = d.session_id AND r.agent_id = d.agent_id
       WHERE d.agent_type = ? AND d.status = 'completed' AND r.total_tokens > 0
       ORDER BY coalesce(d.ended_at, d.started_at) DESC, d.id DESC LIMIT ?`,
    )
    .all(agentType, Math.max(1, Math.floor(config.budget.prediction_window))) as { tokens: number }[];
  if (!rows.length) return { tokens: config.budget.default_dispatch_tokens, basis: 0 };
  return { tokens: median(rows.map((r) => r.tokens)), basis: rows.length };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

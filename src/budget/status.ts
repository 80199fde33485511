// `budget status` rows: each budget's meters with time to reset and a forecast at the current
// burn rate (spend so far divided by the time the window has run).
import { isMetered, type Config } from '../config/schema';
import type { Ledger } from '../ledger/db';
import { budgetKey, evaluateBudget, used, type Subject, type Unit } from './meter';

export interface BudgetStatusRow {
  budget: string;
  scope: string;
  agent_type: string | null;
  project_only: boolean;
  on_exhausted: string;
  unit: Unit;
  spent: number;
  reserved: number;
  limit: number;
  raised: number;
  percent: number;
  window_start: string;
  resets_at: string | null;
  resets_in_ms: number | null;
  /** Spend at reset if the burn rate holds; null for session budgets (no reset). */
  forecast_at_reset: number | null;
  /** When the limit is reached if the burn rate holds, when that comes before the reset. */
  exhausted_at: string | null;
  /** USD meters: tokens of models without a price; the spend is then a lower bound. */
  unpriced_tokens: number;
  lower_bound: boolean;
}

// A window younger than this gives no meaningful rate (one early message would look like a flood).
const MIN_ELAPSED_MS = 5 * 60_000;

export function budgetStatus(db: Ledger, config: Config, subject: Subject, now: number): BudgetStatusRow[] {
  return config.budgets.filter(isMetered).flatMap((b) => {
    const s = evaluateBudget(db, config, b, subject, now);
    return s.meters.map((m): BudgetStatusRow => {
      const total = used(m);
      const rate = m.spent / Math.max(now - s.window.start, MIN_ELAPSED_MS);
      const toLimit = rate > 0 && total < m.limit ? now + (m.limit - total) / rate : undefined;
      return {
        budget: budgetKey(b),
        scope: b.scope,
        agent_type: b.agent_type ?? null,
        project_only: b.project === true,
        on_exhausted: b.on_exhausted,
        unit: m.unit,
        spent: round(m.unit, m.spent),
        reserved: round(m.unit, m.reserved),
        limit: m.limit,
        raised: m.raised,
        percent: Math.round((total / m.limit) * 1000) / 10,
        window_start: new Date(s.window.start).toISOString(),
        resets_at: s.window.end === undefined ? null : new Date(s.window.end).toISOString(),
        resets_in_ms: s.window.end === undefined ? null : s.window.end - now,
        forecast_at_reset: s.window.end === undefined ? null : round(m.unit, total + rate * (s.window.end - now)),
        exhausted_at: toLimit !== undefined && (s.window.end === undefined || toLimit < s.window.end) ? new Date(toLimit).toISOString() : null,
        unpriced_tokens: m.unpricedTokens,
        lower_bound: m.unpricedTokens > 0,
      };
    });
  });
}

const round = (unit: Unit, n: number) => (unit === 'tokens' ? Math.round(n) : Math.round(n * 10_000) / 10_000);

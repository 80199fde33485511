// `budget status` rows: each budget's meters with time to reset and a forecast at the current
// burn rate (spend so far divided by the time the window has run).
import { isMetered, type Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
import { capStates, depthOf } from '../spawn/caps';
import { budgetKey, evaluateBudget, used, type Subject, type Unit } from './meter';
import type { BudgetStatusRow, CapStatusRow } from './status-rows';

export type { BudgetStatusRow, CapStatusRow } from './status-rows';

// A window younger than this gives no meaningful rate (one early message would look like a flood).
const MIN_ELAPSED_MS = 5 * 60_000;

export function capStatus(db: Ledger, config: Config, sessionId: string): CapStatusRow[] {
  return capStates(db, config, { sessionId }).map((c) => {
    const spent = c.cap === 'max_depth' ? deepestRun(db, sessionId) : c.current;
    return {
      budget: `spawn.${c.cap}`,
      scope: 'spawn',
      unit: c.cap === 'max_depth' ? 'depth' : 'subagents',
      spent,
      limit: c.limit,
      raised: c.raised,
      percent: Math.round((spent / c.limit) * 1000) / 10,
    };
  });
}

export function budgetStatus(db: Ledger, config: Config, subject: Subject, now: number): BudgetStatusRow[] {
  return config.budgets.filter(isMetered).flatMap((b) => {
    // A dispatch budget is shown for the session's most expensive dispatch so far.
    const s = evaluateBudget(db, config, b, b.scope === 'dispatch' ? { ...subject, agentId: costliestRun(db, subject.sessionId, b.agent_type) } : subject, now);
    const forecastable = s.window.end !== undefined && !s.window.rolling;
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
        forecast_at_reset: !forecastable ? null : round(m.unit, total + rate * (s.window.end! - now)),
        exhausted_at: b.scope !== 'dispatch' && toLimit !== undefined && (s.window.end === undefined || toLimit < s.window.end) ? new Date(toLimit).toISOString() : null,
        unpriced_tokens: m.unpricedTokens,
        lower_bound: m.unpricedTokens > 0,
        estimated_tokens: m.estimatedTokens ?? 0,
        burn_per_hour: round(m.unit, m.spent > 0 ? rate * 3_600_000 : 0),
        ...(s.team
          ? {
              team:
                s.team.status === 'fresh'
                  ? { fresh: true, other_machines: s.team.machines, fetched_at: new Date(s.team.fetchedAt).toISOString(), why: null }
                  : { fresh: false, other_machines: null, fetched_at: s.team.fetchedAt ? new Date(s.team.fetchedAt).toISOString() : null, why: s.team.why },
            }
          : {}),
      };
    });
  });
}

const round = (unit: Unit, n: number) => (unit === 'tokens' ? Math.round(n) : Math.round(n * 10_000) / 10_000);

function costliestRun(db: Ledger, sessionId: string, agentType: string | undefined): string | undefined {
  const row = db
    .prepare(`SELECT agent_id FROM agent_runs WHERE session_id = ? AND (? IS NULL OR agent_type = ?) ORDER BY total_tokens DESC LIMIT 1`)
    .get(sessionId, agentType ?? null, agentType ?? null) as { agent_id: string } | undefined;
  return row?.agent_id;
}

function deepestRun(db: Ledger, sessionId: string): number {
  const rows = db.prepare('SELECT agent_id FROM agent_runs WHERE session_id = ? LIMIT 500').all(sessionId) as { agent_id: string }[];
  return rows.reduce((max, r) => Math.max(max, depthOf(db, sessionId, r.agent_id)), 0);
}

// What the status line says about this session, read from the ledger: spend, the nearest budget,
// running subagents, open circuits, and the standing windows with their limits. Also records the
// rate-limit snapshot the payload brought (deduplicated), so window budgets can use it.
import { listCircuits } from '../core/breaker/status';
import { budgetStatus } from '../core/budget/status';
import { loadConfig } from '../runtime/config/load';
import type { Ledger } from '../ledger/db';
import { isWindowBudget } from '../core/windows/policy';
import { recordSnapshot, standingWindows, type StandingWindow } from '../core/windows/ledger';
import type { StatusInput } from './input';

export interface LineFacts {
  tokens: number;
  /** null when nothing of the session is priced yet. */
  usd: number | null;
  /** Some tokens came from models without a price: USD is a lower bound. */
  usdLowerBound: boolean;
  nearest?: { budget: string; percent: number };
  running: number;
  openCircuits: number;
  windows: StandingWindow[];
  /** Window -> the lowest limit_percent configured for it. */
  limits: Record<string, number>;
}

export function gatherFacts(db: Ledger, input: StatusInput, now: number): LineFacts {
  const project = input.project ?? process.cwd();
  const { config } = loadConfig(project);
  if (input.windows.length) recordSnapshot(db, { sessionId: input.sessionId, project, windows: input.windows, now }, { pricing: config.pricing });
  const sessionId = input.sessionId ?? '';
  const spend = db
    .prepare(
      `SELECT coalesce(sum(total_tokens), 0) AS tokens, sum(cost_usd) AS usd,
              coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0) AS unpriced
       FROM usage WHERE session_id = ?`,
    )
    .get(sessionId) as { tokens: number; usd: number | null; unpriced: number };
  const running = (db.prepare(`SELECT count(*) AS n FROM dispatches WHERE session_id = ? AND status = 'running'`).get(sessionId) as { n: number }).n;
  const openCircuits = sessionId ? listCircuits(db, now, { sessionId }).filter((c) => c.effective_state === 'open').length : 0;
  const rows = budgetStatus(db, config, { sessionId, project }, now);
  const top = rows.sort((a, b) => b.percent - a.percent)[0];
  const limits: Record<string, number> = {};
  for (const b of config.budgets) if (isWindowBudget(b)) limits[b.scope] = Math.min(limits[b.scope] ?? Infinity, b.limit_percent);
  return {
    tokens: spend.tokens,
    usd: spend.usd,
    usdLowerBound: spend.unpriced > 0,
    nearest: top ? { budget: top.budget, percent: top.percent } : undefined,
    running,
    openCircuits,
    windows: standingWindows(db, now),
    limits,
  };
}

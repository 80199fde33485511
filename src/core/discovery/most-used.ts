// The extended agents a project used most, for SessionStart, which has no task to rank for: completed
// dispatches decayed by 0.5^(age / half_life_days) like the usage prior (./usage-prior.ts) and the
// curator's ranking. Kept apart from the search code so the command hook does not load it.
import type { Ledger as Database } from '../../ledger/db';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

const DAY = 86_400_000;
const MAX_ROWS = 2000;

/**
 * The agents among `names` with the most completed dispatches in this project, decayed the same
 * way: what SessionStart names as "used here" without a query to rank for. One indexed query.
 */
export function mostUsed(db: Database, project: string, names: ReadonlySet<string>, now: number, halfLifeDays: number, k: number): string[] {
  const keys = [...new Set([resolve(project), realOrSelf(project)])];
  const rows = db
    .prepare(
      `SELECT agent_type AS agentType, started_at AS startedAt FROM dispatches
        WHERE project IN (${keys.map(() => '?').join(', ')}) AND status = 'completed' AND started_at >= ?
        ORDER BY started_at DESC LIMIT ${MAX_ROWS}`,
    )
    .all(...keys, now - 10 * halfLifeDays * DAY) as Array<{ agentType: string | null; startedAt: number }>;
  const halfLifeMs = halfLifeDays * DAY;
  const scores = new Map<string, number>();
  for (const r of rows) {
    if (!r.agentType || !names.has(r.agentType)) continue;
    scores.set(r.agentType, (scores.get(r.agentType) ?? 0) + 0.5 ** (Math.max(0, now - r.startedAt) / halfLifeMs));
  }
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k).map(([name]) => name);
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

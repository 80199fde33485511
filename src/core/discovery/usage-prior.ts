// A prior from this project's own history: an agent that completed dispatches for tasks like this
// one ranks higher. Each past completed dispatch counts its similarity to the query (the share of
// the query's terms its description and prompt opening use) times 0.5^(age / half_life_days), the
// curator's decay (src/core/curator/rank.ts). The sum s lifts the agent's search score by a factor
// 1 + MAX_LIFT · s / (s + 1): history reorders close matches, it never makes an unrelated agent win.
import type { Ledger as Database } from '../../ledger/db';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { terms } from './text';

export const MAX_LIFT = 0.5;
const DAY = 86_400_000;
/** Enough history to know a project's habits; bounds the work per query. */
const MAX_ROWS = 2000;
const PROMPT_CHARS = 400;

export interface PastDispatch {
  agentType: string;
  startedAt: number;
  terms: Set<string>;
}

export function readPastDispatches(db: Database, project: string, now: number, halfLifeDays: number): PastDispatch[] {
  const keys = projectKeys(project);
  const rows = db
    .prepare(
      `SELECT agent_type AS agentType, started_at AS startedAt, description, substr(prompt, 1, ${PROMPT_CHARS}) AS prompt
         FROM dispatches
        WHERE project IN (${keys.map(() => '?').join(', ')}) AND status = 'completed'
          AND started_at >= ? AND agent_type IS NOT NULL AND agent_type != ''
        ORDER BY started_at DESC LIMIT ${MAX_ROWS}`,
    )
    .all(...keys, now - 10 * halfLifeDays * DAY) as Array<{ agentType: string; startedAt: number; description: string | null; prompt: string | null }>;
  return rows.map((r) => ({ agentType: r.agentType, startedAt: r.startedAt, terms: new Set(terms(`${r.description ?? ''} ${r.prompt ?? ''}`)) }));
}

/** The factor (≥ 1) each agent's score is multiplied by for this query. */
export function usagePrior(past: readonly PastDispatch[], query: string, now: number, halfLifeDays: number): (name: string) => number {
  const q = [...new Set(terms(query))];
  if (q.length === 0 || past.length === 0) return () => 1;
  const halfLifeMs = halfLifeDays * DAY;
  const sums = new Map<string, number>();
  for (const d of past) {
    let shared = 0;
    for (const t of q) if (d.terms.has(t)) shared++;
    if (shared === 0) continue;
    const decay = 0.5 ** (Math.max(0, now - d.startedAt) / halfLifeMs);
    sums.set(d.agentType, (sums.get(d.agentType) ?? 0) + (shared / q.length) * decay);
  }
  return (name) => {
    const s = sums.get(name) ?? 0;
    return 1 + (MAX_LIFT * s) / (s + 1);
  };
}

// Hooks record Claude Code's project dir as given; a symlinked checkout may appear either way.
export function projectKeys(project: string): string[] {
  const keys = new Set([resolve(project)]);
  try {
    keys.add(realpathSync(project));
  } catch {
    // A project that no longer exists has only its recorded name.
  }
  return [...keys];
}

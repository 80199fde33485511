// Spawn caps as the ledger sees them: how many subagents a session has started, how many run now,
// and how deep a caller is. Counts come from the dispatches and agent_runs projections, so they
// are rebuildable and concurrent hooks (one write transaction each) see each other's dispatches.
import type { Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';

export const capNames = ['max_per_session', 'max_depth', 'max_running'] as const;
export type CapName = (typeof capNames)[number];

export interface CapState {
  cap: CapName;
  /** The configured cap plus this session's overrides. */
  limit: number;
  raised: number;
  /** Subagents started / running now / the depth a new dispatch from this caller would have. */
  current: number;
}

/** Dispatches that count as started: not refused (by us or by Claude Code). */
export function startedCount(db: Ledger, sessionId: string, exceptToolUseId = ''): number {
  const row = db
    .prepare(`SELECT count(*) AS n FROM dispatches WHERE session_id = ? AND tool_use_id != ? AND denied = 0`)
    .get(sessionId, exceptToolUseId) as { n: number };
  return row.n;
}

export function runningCount(db: Ledger, sessionId: string, exceptToolUseId = ''): number {
  const row = db
    .prepare(`SELECT count(*) AS n FROM dispatches WHERE session_id = ? AND tool_use_id != ? AND status = 'running'`)
    .get(sessionId, exceptToolUseId) as { n: number };
  return row.n;
}

/**
 * How deep a thread is: 0 for the main thread, else the subagent's depth as its meta file says,
 * else found by walking parent links (dispatch -> the agent that made it). An unknown subagent is
 * at least depth 1.
 */
export function depthOf(db: Ledger, sessionId: string, agentId: string): number {
  let depth = 0;
  let current = agentId;
  const seen = new Set<string>();
  while (current && !seen.has(current) && seen.size < 64) {
    seen.add(current);
    const run = db.prepare('SELECT spawn_depth, tool_use_id, parent_agent_id FROM agent_runs WHERE session_id = ? AND agent_id = ?').get(sessionId, current) as
      | { spawn_depth: number | null; tool_use_id: string | null; parent_agent_id: string | null }
      | undefined;
    if (run?.spawn_depth) return depth + run.spawn_depth;
    depth += 1;
    const parent =
      run?.parent_agent_id ??
      ((
        db.prepare('SELECT parent_agent_id FROM dispatches WHERE session_id = ? AND (agent_id = ? OR tool_use_id = ?) LIMIT 1').get(sessionId, current, run?.tool_use_id ?? '') as
          | { parent_agent_id: string | null }
          | undefined
      )?.parent_agent_id ?? '');
    current = parent;
  }
  return Math.max(depth, agentId ? 1 : 0);
}

export function capRaises(db: Ledger, sessionId: string): Record<CapName, number> {
  const rows = db.prepare('SELECT cap, sum(add_n) AS n FROM spawn_overrides WHERE session_id = ? OR session_id IS NULL GROUP BY cap').all(sessionId) as { cap: string; n: number }[];
  const out: Record<CapName, number> = { max_per_session: 0, max_depth: 0, max_running: 0 };
  for (const r of rows) if (r.cap in out) out[r.cap as CapName] = r.n;
  return out;
}

/** Every configured cap's state for a session (and a caller thread, for depth). */
export function capStates(db: Ledger, config: Config, o: { sessionId: string; agentId?: string; exceptToolUseId?: string }): CapState[] {
  const raises = capRaises(db, o.sessionId);
  const states: CapState[] = [];
  for (const cap of capNames) {
    const configured = config.spawn[cap];
    if (configured === undefined) continue;
    const current =
      cap === 'max_per_session'
        ? startedCount(db, o.sessionId, o.exceptToolUseId)
        : cap === 'max_running'
          ? runningCount(db, o.sessionId, o.exceptToolUseId)
          : depthOf(db, o.sessionId, o.agentId ?? '') + 1;
    states.push({ cap, limit: configured + raises[cap], raised: raises[cap], current });
  }
  return states;
}

/** A dispatch is refused when starting it would go past the cap. */
export const isPast = (s: CapState) => (s.cap === 'max_depth' ? s.current > s.limit : s.current >= s.limit);

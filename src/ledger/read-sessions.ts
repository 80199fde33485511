// Session records as users and scripts see them (`sessions --json`, the TypeScript API): each
// session with its billed tokens and cost, main thread and subagents apart.
import type { Ledger } from './db';

export interface SessionRecord {
  session_id: string;
  project: string | null;
  started_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  events: number;
  main_tokens: number;
  /** USD of the main thread, of its subagents, and their sum: what Claude Code bills for the session. Null only while some rows await a price. */
  main_cost_usd: number | null;
  subagent_cost_usd: number | null;
  cost_usd: number | null;
  /** How the cost was priced: `claude-code` (Claude Code's own cost-state), `table`, `config`, `learned`, `estimated`, or `mixed`. */
  cost_source: string | null;
  /** Claude Code's own total from the transcript's cost-state, when it wrote one. */
  claude_code_cost_usd: number | null;
  subagent_tokens: number;
  dispatches: number;
  /** Read from Claude Code's history by `agent-warden import`, not recorded live by hooks. */
  imported: boolean;
}

export interface SessionFilter {
  /** Epoch ms: only sessions started at or after this. */
  since?: number;
  project?: string;
  sessionId?: string;
  limit?: number;
}

export function listSessions(db: Ledger, f: SessionFilter = {}): SessionRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.since !== undefined) (where.push('s.started_at >= ?'), args.push(f.since));
  if (f.project) (where.push('s.project = ?'), args.push(f.project));
  if (f.sessionId) (where.push('s.session_id = ?'), args.push(f.sessionId));
  const rows = db
    .prepare(
      `SELECT s.*,
         (SELECT coalesce(sum(total_tokens), 0) FROM usage u WHERE u.session_id = s.session_id AND u.agent_id = '') AS main_tokens,
         (SELECT CASE WHEN count(*) = count(cost_usd) THEN coalesce(sum(cost_usd), 0) END FROM usage u WHERE u.session_id = s.session_id AND u.agent_id = '') AS main_cost,
         (SELECT CASE WHEN count(*) = count(cost_usd) THEN coalesce(sum(cost_usd), 0) END FROM usage u WHERE u.session_id = s.session_id AND u.agent_id != '') AS sub_cost,
         (SELECT CASE WHEN count(DISTINCT price_source) > 1 THEN 'mixed' ELSE max(price_source) END FROM usage u WHERE u.session_id = s.session_id) AS cost_source,
         (SELECT max(session_total_usd) FROM cost_states c WHERE c.session_id = s.session_id) AS cc_cost,
         (SELECT coalesce(sum(total_tokens), 0) FROM usage u WHERE u.session_id = s.session_id AND u.agent_id != '') AS sub_tokens,
         (SELECT count(*) FROM dispatches d WHERE d.session_id = s.session_id) AS dispatches
       FROM sessions s ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY s.started_at${f.limit ? ` LIMIT ${Math.floor(f.limit)}` : ''}`,
    )
    .all(...args) as any[];
  return rows.map((r) => ({
    session_id: r.session_id,
    project: r.project,
    started_at: iso(r.started_at),
    ended_at: iso(r.ended_at),
    end_reason: r.end_reason,
    events: r.events,
    main_tokens: r.main_tokens,
    main_cost_usd: usd(r.main_cost),
    subagent_cost_usd: usd(r.sub_cost),
    cost_usd: r.main_cost === null || r.sub_cost === null ? null : usd(r.main_cost + r.sub_cost),
    cost_source: r.cost_source,
    claude_code_cost_usd: r.cc_cost,
    subagent_tokens: r.sub_tokens,
    dispatches: r.dispatches,
    imported: r.imported === 1,
  }));
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
/** Micro-dollar precision: sums of many floats otherwise print 0.030600000000000002. */
const usd = (n: number | null) => (n === null ? null : Math.round(n * 1e6) / 1e6);

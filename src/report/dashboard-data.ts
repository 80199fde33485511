// Everything the dashboard draws, as plain rows: spend per day and agent type, each session's
// subagents with their parents and times, budget burn against each limit, failures and open
// circuits per day, and the core listing's tokens before and after curation. Pure reads; the
// HTML adapter (src/dashboard) only renders them.
import type { Config } from '../runtime/config/schema';
import { DEFAULT_AGENT_TYPE } from '../runtime/agent-tool';
import type { Ledger } from '../ledger/db';
import { budgetStatus, type BudgetStatusRow } from '../core/budget/status';

export interface DashboardData {
  generated_at: string;
  since: string;
  projects: string[];
  spend: { day: string; project: string | null; agent_type: string; tokens: number; cost_usd: number }[];
  sessions: {
    session_id: string;
    project: string | null;
    started_at: number | null;
    ended_at: number | null;
    imported: boolean;
    main_tokens: number;
    runs: { tool_use_id: string; agent_id: string | null; parent_agent_id: string | null; agent_type: string; background: boolean; status: string; started_at: number | null; ended_at: number | null; tokens: number; cost_usd: number | null }[];
  }[];
  budgets: (BudgetStatusRow & { burn: { at: number; spent: number }[] })[];
  failures: { day: string; project: string | null; failed: number; denied: number; killed: number; tool_failures: number; circuits_opened: number }[];
  listing: { project: string; before_tokens: number; after_tokens: number; before_agents: number; after_agents: number } | null;
}

const DAY = `strftime('%Y-%m-%d', %s / 1000, 'unixepoch')`;
const day = (col: string) => DAY.replace('%s', col);

export interface DashboardInput {
  since: number;
  now: number;
  project?: string;
  /** The current project's listing cost, from the curator (the CLI computes it; null without agents). */
  listing?: DashboardData['listing'];
  sessionLimit?: number;
}

export function dashboardData(db: Ledger, config: Config, input: DashboardInput): DashboardData {
  const { since, now } = input;
  const projectFilter = input.project ? ' AND project = @project' : '';
  const args = { since, project: input.project ?? null };
  const spend = db
    .prepare(
      `SELECT ${day('ts')} AS day, project, coalesce(agent_type, CASE WHEN agent_id = '' THEN 'main' ELSE 'unknown' END) AS agent_type,
         sum(total_tokens) AS tokens, coalesce(sum(cost_usd), 0) AS cost_usd
       FROM usage WHERE ts >= @since${projectFilter} GROUP BY 1, 2, 3 ORDER BY 1, 3`,
    )
    .all(args) as DashboardData['spend'];
  for (const row of spend) if (row.agent_type === 'main' || row.agent_type === 'unknown') row.agent_type = row.agent_type === 'main' ? 'main thread' : 'unknown';

  const sessionRows = db
    .prepare(
      `SELECT s.session_id, s.project, s.started_at, coalesce(s.ended_at, s.last_event_at) AS ended_at, s.imported,
         (SELECT coalesce(sum(total_tokens), 0) FROM usage u WHERE u.session_id = s.session_id AND u.agent_id = '') AS main_tokens
       FROM sessions s WHERE coalesce(s.last_event_at, s.started_at) >= @since${projectFilter.replace('project', 's.project')}
       ORDER BY s.started_at DESC LIMIT ${Math.max(1, input.sessionLimit ?? 50)}`,
    )
    .all(args) as any[];
  const runsOf = db.prepare(
    `SELECT d.tool_use_id, d.agent_id, coalesce(d.parent_agent_id, r.parent_agent_id) AS parent_agent_id, coalesce(d.agent_type, '${DEFAULT_AGENT_TYPE}') AS agent_type,
       coalesce(d.background, 0) AS background, d.status, coalesce(r.started_at, d.started_at) AS started_at, coalesce(r.ended_at, d.ended_at) AS ended_at,
       coalesce(r.total_tokens, 0) AS tokens, r.cost_usd
     FROM dispatches d LEFT JOIN agent_runs r ON r.session_id = d.session_id AND r.agent_id = d.agent_id
     WHERE d.session_id = ? ORDER BY coalesce(r.started_at, d.started_at)`,
  );
  const sessions = sessionRows.map((s) => ({
    session_id: s.session_id,
    project: s.project,
    started_at: s.started_at,
    ended_at: s.ended_at,
    imported: s.imported === 1,
    main_tokens: s.main_tokens,
    runs: (runsOf.all(s.session_id) as any[]).map((r) => ({ ...r, background: r.background === 1 })),
  }));

  const budgets = budgetStatus(db, config, { project: input.project ?? '', sessionId: '' }, now).map((b) => ({
    ...b,
    burn: burnSeries(db, b, input.project, now),
  }));

  const failures = db
    .prepare(
      `WITH days AS (
         SELECT ${day('started_at')} AS day, project, sum(status = 'failed') AS failed, sum(status = 'denied') AS denied, sum(status = 'killed') AS killed,
           0 AS tool_failures, 0 AS circuits_opened
         FROM dispatches WHERE started_at >= @since${projectFilter} GROUP BY 1, 2
         UNION ALL
         SELECT ${day('started_at')}, project, 0, 0, 0, count(*), 0 FROM tool_calls WHERE status = 'failed' AND started_at >= @since${projectFilter} GROUP BY 1, 2
         UNION ALL
         SELECT ${day('c.opened_at')}, s.project, 0, 0, 0, 0, count(*) FROM circuits c JOIN sessions s ON s.session_id = c.session_id
           WHERE c.opened_at >= @since${projectFilter.replace('project', 's.project')} GROUP BY 1, 2)
       SELECT day, project, sum(failed) AS failed, sum(denied) AS denied, sum(killed) AS killed, sum(tool_failures) AS tool_failures, sum(circuits_opened) AS circuits_opened
       FROM days GROUP BY 1, 2 ORDER BY 1`,
    )
    .all(args) as DashboardData['failures'];

  const projects = (db.prepare(`SELECT DISTINCT project FROM sessions WHERE project IS NOT NULL ORDER BY project`).all() as { project: string }[]).map((r) => r.project);
  return {
    generated_at: new Date(now).toISOString(),
    since: new Date(since).toISOString(),
    projects,
    spend,
    sessions,
    budgets,
    failures,
    listing: input.listing ?? null,
  };
}

/** Cumulative spend across a budget's current window, in up to 48 steps, for the burn-down chart. */
function burnSeries(db: Ledger, b: BudgetStatusRow, project: string | undefined, now: number): { at: number; spent: number }[] {
  const start = Date.parse(b.window_start);
  if (!Number.isFinite(start) || start >= now) return [];
  const column = b.unit === 'usd' ? 'coalesce(cost_usd, 0)' : 'total_tokens';
  const filters = [b.agent_type ? 'agent_type = @type' : '', b.project_only && project ? 'project = @project' : ''].filter(Boolean);
  const step = Math.max(60_000, Math.ceil((now - start) / 48));
  const rows = db
    .prepare(
      `SELECT (ts - @start) / @step AS bucket, sum(${column}) AS spent FROM usage
       WHERE ts >= @start AND ts <= @now${filters.length ? ' AND ' + filters.join(' AND ') : ''} GROUP BY 1 ORDER BY 1`,
    )
    .all({ start, step, now, type: b.agent_type, project: project ?? null }) as { bucket: number; spent: number }[];
  let total = 0;
  return rows.map((r) => ((total += r.spent), { at: start + (r.bucket + 1) * step, spent: b.unit === 'usd' ? Math.round(total * 10_000) / 10_000 : total }));
}

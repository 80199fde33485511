// Dead letters: dispatches that failed, were killed or denied, and circuits still open, newest
// first with their errors. Also the exact Agent tool input to send a dispatch again.
import type { Ledger } from '../ledger/db';
import type { DispatchRecord } from '../ledger/read-dispatches';
import { dispatchWhere, type ReportScope } from './scope';
import { DEFAULT_AGENT_TYPE } from '../runtime/agent-tool';

export const FAILED_STATUSES = ['failed', 'killed', 'denied'] as const;

export interface FailedDispatch {
  id: number;
  session_id: string;
  tool_use_id: string;
  agent_type: string | null;
  status: string;
  description: string | null;
  started_at: string | null;
  error: string | null;
}

export interface OpenCircuit {
  session_id: string;
  key: string;
  kind: string;
  label: string | null;
  state: string;
  failures: number;
  opened_at: string | null;
  last_error: string | null;
}

export interface FailuresReport {
  dispatches: FailedDispatch[];
  circuits: OpenCircuit[];
}

export function queryFailures(db: Ledger, scope: ReportScope, limit = 200): FailuresReport {
  const { where, args } = dispatchWhere(scope, [`d.status IN (${FAILED_STATUSES.map(() => '?').join(',')})`]);
  const dispatches = (
    db
      .prepare(
        `SELECT d.id, d.session_id, d.tool_use_id, d.agent_type, d.status, d.description, d.started_at, d.error
         FROM dispatches d ${where} ORDER BY d.started_at DESC, d.id DESC LIMIT ${Math.floor(limit)}`,
      )
      .all(...FAILED_STATUSES, ...args) as any[]
  ).map((r) => ({ ...r, started_at: iso(r.started_at) }) as FailedDispatch);

  // Circuits carry no project or time of their own: their session decides the project.
  const cWhere: string[] = [`c.state != 'closed'`];
  const cArgs: unknown[] = [];
  if (scope.project !== undefined) (cWhere.push('s.project = ?'), cArgs.push(scope.project));
  if (scope.sessionId) (cWhere.push('c.session_id = ?'), cArgs.push(scope.sessionId));
  if (scope.since !== undefined) (cWhere.push('coalesce(c.updated_at, c.opened_at) >= ?'), cArgs.push(scope.since));
  if (scope.until !== undefined) (cWhere.push('coalesce(c.updated_at, c.opened_at) < ?'), cArgs.push(scope.until));
  const circuits = (
    db
      .prepare(
        `SELECT c.session_id, c.key, c.kind, c.label, c.state, c.failures, c.opened_at, c.last_error
         FROM circuits c LEFT JOIN sessions s ON s.session_id = c.session_id
         WHERE ${cWhere.join(' AND ')} ORDER BY coalesce(c.updated_at, c.opened_at) DESC`,
      )
      .all(...cArgs) as any[]
  ).map((r) => ({ ...r, opened_at: iso(r.opened_at) }) as OpenCircuit);
  return { dispatches, circuits };
}

/** The Agent tool input that repeats a dispatch: what the main thread would send again. */
export interface ReplayInput {
  subagent_type: string;
  description: string;
  prompt: string;
  model?: string;
  run_in_background: boolean;
}

/**
 * The input as the PreToolUse hook received it (before any proxy rewrite); the dispatch row is
 * the fallback, without `model`, since the row's model is the one the run resolved to.
 */
export function replayInput(db: Ledger, d: DispatchRecord): ReplayInput {
  const row = db
    .prepare(`SELECT payload FROM events WHERE kind = 'PreToolUse' AND session_id = ? AND tool_use_id = ? ORDER BY seq LIMIT 1`)
    .get(d.session_id, d.tool_use_id) as { payload: string } | undefined;
  const input = parseInput(row?.payload);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const model = str(input.model);
  return {
    subagent_type: str(input.subagent_type) || d.requested_type || d.agent_type || DEFAULT_AGENT_TYPE,
    description: str(input.description) ?? d.description ?? '',
    prompt: str(input.prompt) ?? d.prompt ?? '',
    ...(model ? { model } : {}),
    run_in_background: typeof input.run_in_background === 'boolean' ? input.run_in_background : d.background,
  };
}

function parseInput(payload: string | undefined): Record<string, unknown> {
  try {
    const input = payload ? JSON.parse(payload)?.tool_input : undefined;
    return input && typeof input === 'object' ? input : {};
  } catch {
    return {};
  }
}

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

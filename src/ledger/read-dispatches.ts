// Dispatch records as users and scripts see them: the call (dispatches) joined with the run of
// the subagent it started (agent_runs), whose transcript holds the billed tokens.
import type { Ledger } from './db';

export interface DispatchRecord {
  id: number;
  session_id: string;
  project: string | null;
  tool_use_id: string;
  agent_id: string | null;
  parent_agent_id: string | null;
  agent_type: string | null;
  requested_type: string | null;
  via_proxy: boolean;
  description: string | null;
  prompt: string | null;
  model: string | null;
  background: boolean;
  status: 'running' | 'completed' | 'failed' | 'killed' | 'denied';
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  tool_use_count: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  reported_total_tokens: number | null;
  cost_usd: number | null;
  unpriced: boolean;
  prompt_tokens: number | null;
  prompt_tokens_exact: boolean;
  final_message: string | null;
  error: string | null;
  /** Why agent-warden governed this dispatch: denied, asked (the user was asked) or downgraded; null when it did not. */
  governance: 'denied' | 'asked' | 'downgraded' | null;
  governance_reason: string | null;
  files_written: string[];
  context_files: { path: string; bytes: number; tokens: number }[];
  transcript_path: string | null;
}

export interface DispatchFilter {
  sessionId?: string;
  since?: number;
  until?: number;
  agentType?: string;
  project?: string;
  status?: string[];
  limit?: number;
  id?: string;
}

// The record is built by SQLite itself (json_object): at 100,000 dispatches, materialising rows as
// JS objects and stringifying them again cost ~4x more than this one pass (measured 0.9 s vs 0.2 s).
const ISO = (ms: string) => `CASE WHEN ${ms} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${ms} / 1000.0, 'unixepoch') END`;
const BOOL = (cond: string) => `CASE WHEN ${cond} THEN json('true') ELSE json('false') END`;
const LIST = (col: string) => `CASE WHEN json_valid(${col}) AND json_type(${col}) = 'array' THEN json(${col}) ELSE json('[]') END`;
const STARTED = 'coalesce(d.started_at, r.started_at)';
const ENDED = 'nullif(max(coalesce(d.ended_at, 0), coalesce(r.ended_at, 0)), 0)';
const HAS_RUN = 'r.total_tokens IS NOT NULL';

const RECORD = `json_object(
  'id', d.id, 'session_id', d.session_id, 'project', d.project, 'tool_use_id', d.tool_use_id, 'agent_id', d.agent_id,
  'parent_agent_id', coalesce(d.parent_agent_id, r.parent_agent_id), 'agent_type', d.agent_type, 'requested_type', d.requested_type,
  'via_proxy', ${BOOL('d.via_proxy = 1')}, 'description', d.description, 'prompt', d.prompt, 'model', coalesce(d.model, r.model),
  'background', ${BOOL('d.background = 1')}, 'status', d.status, 'started_at', ${ISO(STARTED)}, 'ended_at', ${ISO(ENDED)},
  'duration_ms', coalesce(d.duration_ms, ${ENDED} - ${STARTED}), 'tool_use_count', coalesce(d.tool_use_count, r.tool_use_count),
  'input_tokens', coalesce(r.input_tokens, 0), 'output_tokens', coalesce(r.output_tokens, 0),
  'cache_creation_tokens', coalesce(r.cache_creation_tokens, 0), 'cache_read_tokens', coalesce(r.cache_read_tokens, 0),
  'total_tokens', coalesce(r.total_tokens, 0), 'reported_total_tokens', d.reported_total_tokens,
  'cost_usd', CASE WHEN ${HAS_RUN} AND r.total_tokens = 0 THEN 0 WHEN ${HAS_RUN} AND r.unpriced_tokens = 0 THEN r.cost_usd END,
  'unpriced', ${BOOL(`${HAS_RUN} AND r.unpriced_tokens > 0`)}, 'prompt_tokens', d.prompt_tokens, 'prompt_tokens_exact', ${BOOL('d.prompt_tokens_exact = 1')},
  'final_message', coalesce(d.final_message, r.last_message), 'error', d.error,
  'governance', d.governance, 'governance_reason', d.governance_reason, 'files_written', ${LIST('r.files_written')},
  'context_files', ${LIST('d.context_files')}, 'transcript_path', r.transcript_path)`;

const SELECT = `SELECT ${RECORD} FROM dispatches d LEFT JOIN agent_runs r ON r.session_id = d.session_id AND r.agent_id = d.agent_id`;

export function listDispatches(db: Ledger, f: DispatchFilter = {}): DispatchRecord[] {
  return [...iterateDispatchJson(db, f)].map((text) => JSON.parse(text) as DispatchRecord);
}

/** Each record as JSON text, row by row: for outputs too large to hold at once. */
export function* iterateDispatchJson(db: Ledger, f: DispatchFilter = {}): Generator<string> {
  const { sql, args } = query(f);
  yield* db.prepare(sql).pluck().iterate(...args) as Iterable<string>;
}

function query(f: DispatchFilter): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.sessionId) (where.push('d.session_id = ?'), args.push(f.sessionId));
  if (f.since !== undefined) (where.push('d.started_at >= ?'), args.push(f.since));
  if (f.until !== undefined) (where.push('d.started_at < ?'), args.push(f.until));
  if (f.agentType) (where.push('d.agent_type = ?'), args.push(f.agentType));
  if (f.project) (where.push('d.project = ?'), args.push(f.project));
  if (f.status?.length) (where.push(`d.status IN (${f.status.map(() => '?').join(',')})`), args.push(...f.status));
  if (f.id) (where.push('(CAST(d.id AS TEXT) = ? OR d.tool_use_id = ? OR d.agent_id = ?)'), args.push(f.id, f.id, f.id));
  const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY d.started_at, d.id${f.limit ? ` LIMIT ${Math.floor(f.limit)}` : ''}`;
  return { sql, args };
}

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

const SELECT = `
  SELECT d.*, r.input_tokens AS r_input, r.output_tokens AS r_output, r.cache_creation_tokens AS r_cw, r.cache_read_tokens AS r_cr,
         r.total_tokens AS r_total, r.cost_usd AS r_cost, r.unpriced_tokens AS r_unpriced, r.files_written AS r_files,
         r.tool_use_count AS r_tools, r.model AS r_model, r.last_message AS r_last, r.transcript_path AS r_path,
         r.started_at AS r_started, r.ended_at AS r_ended, r.parent_agent_id AS r_parent
  FROM dispatches d LEFT JOIN agent_runs r ON r.session_id = d.session_id AND r.agent_id = d.agent_id`;

export function listDispatches(db: Ledger, f: DispatchFilter = {}): DispatchRecord[] {
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
  return (db.prepare(sql).all(...args) as any[]).map(toRecord);
}

function toRecord(row: any): DispatchRecord {
  const started = row.started_at ?? row.r_started;
  const ended = row.ended_at ?? row.r_ended;
  const hasRun = row.r_total !== null && row.r_total !== undefined;
  return {
    id: row.id,
    session_id: row.session_id,
    project: row.project,
    tool_use_id: row.tool_use_id,
    agent_id: row.agent_id,
    parent_agent_id: row.parent_agent_id ?? row.r_parent ?? null,
    agent_type: row.agent_type,
    requested_type: row.requested_type,
    via_proxy: row.via_proxy === 1,
    description: row.description,
    prompt: row.prompt,
    model: row.model ?? row.r_model ?? null,
    background: row.background === 1,
    status: row.status,
    started_at: started ? new Date(started).toISOString() : null,
    ended_at: ended ? new Date(Math.max(ended, row.r_ended ?? 0)).toISOString() : null,
    duration_ms: row.duration_ms ?? (started && ended ? Math.max(ended, row.r_ended ?? 0) - started : null),
    tool_use_count: row.tool_use_count ?? row.r_tools ?? null,
    input_tokens: hasRun ? row.r_input : 0,
    output_tokens: hasRun ? row.r_output : 0,
    cache_creation_tokens: hasRun ? row.r_cw : 0,
    cache_read_tokens: hasRun ? row.r_cr : 0,
    total_tokens: hasRun ? row.r_total : 0,
    reported_total_tokens: row.reported_total_tokens,
    // Never price unknown models at zero: any unpriced token makes the cost unknown.
    cost_usd: hasRun && !row.r_unpriced && row.r_total > 0 ? row.r_cost : hasRun && row.r_total === 0 ? 0 : null,
    unpriced: hasRun ? row.r_unpriced > 0 : false,
    prompt_tokens: row.prompt_tokens,
    prompt_tokens_exact: row.prompt_tokens_exact === 1,
    final_message: row.final_message ?? row.r_last ?? null,
    error: row.error,
    files_written: parseList(row.r_files),
    context_files: parseList(row.context_files),
    transcript_path: row.r_path ?? null,
  };
}

function parseList(text: string | null): any[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

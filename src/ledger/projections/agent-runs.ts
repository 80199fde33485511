// Projection of the agent_runs table: subagent lifecycles, their transcripts and token totals.
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';
import { link, refreshRunDispatch } from './dispatches';
import type { ProjectionContext } from './types';
import { agentTranscriptUsage } from './usage';

export function subagentStart(db: Ledger, ev: StoredEvent<'SubagentStart'>): void {
  const p = ev.payload;
  upsertRun(db, ev, p.agent_id);
  db.prepare('UPDATE agent_runs SET agent_type = coalesce(agent_type, ?), started_at = min(coalesce(started_at, ?), ?) WHERE session_id = ? AND agent_id = ?').run(
    p.agent_type ?? null,
    ev.receivedAt,
    ev.receivedAt,
    ev.sessionId,
    p.agent_id,
  );
}

/** SubagentStop: the run's side; its tool calls and dispatch follow in their own projections. */
export function subagentStop(db: Ledger, ev: StoredEvent<'SubagentStop'>): void {
  const p = ev.payload;
  upsertRun(db, ev, p.agent_id);
  db.prepare(
    `UPDATE agent_runs SET stopped = 1, agent_type = coalesce(agent_type, ?), transcript_path = coalesce(?, transcript_path),
       last_message = coalesce(?, last_message), ended_at = max(coalesce(ended_at, 0), ?)
     WHERE session_id = ? AND agent_id = ?`,
  ).run(p.agent_type ?? null, p.agent_transcript_path ?? null, p.last_assistant_message ?? null, ev.receivedAt, ev.sessionId, p.agent_id);
}

/** A subagent's whole transcript, read when it stopped. */
export function agentTranscript(db: Ledger, ev: StoredEvent<'agent_transcript'>, ctx: ProjectionContext): void {
  const p = ev.payload;
  upsertRun(db, ev, p.agent_id);
  agentTranscriptUsage(db, ev, ctx);
  // Positional, bytes bound where the SQL compares with it (named parameters cost a lookup each, per imported run).
  const bytes = p.bytes ?? 0;
  const first = p.first_ts ?? ev.receivedAt;
  db.prepare(
    `UPDATE agent_runs SET files_written = CASE WHEN ? >= transcript_bytes THEN ? ELSE files_written END,
       tool_use_count = CASE WHEN ? >= transcript_bytes THEN ? ELSE tool_use_count END, model = coalesce(?, model),
       started_at = min(coalesce(started_at, ?), ?), ended_at = max(coalesce(ended_at, 0), ?),
       transcript_path = coalesce(transcript_path, ?), agent_type = coalesce(agent_type, ?),
       transcript_bytes = max(transcript_bytes, ?), stopped = max(stopped, ?)
     WHERE session_id = ? AND agent_id = ?`,
  ).run(
    bytes,
    JSON.stringify(p.files_written ?? []),
    bytes,
    p.tool_uses ?? null,
    p.model ?? null,
    first,
    first,
    p.last_ts ?? 0,
    p.transcript_path ?? null,
    p.agent_type ?? null,
    bytes,
    p.finished ? 1 : 0,
    ev.sessionId,
    p.agent_id,
  );
  recomputeRunTotals(db, ev.sessionId!, p.agent_id);
  if (p.tool_use_id) link(db, ev.sessionId!, p.tool_use_id, p.agent_id, p.parent_agent_id);
  refreshRunDispatch(db, ev.sessionId!, p.agent_id);
}

/** `<session>/subagents/agent-<id>.meta.json` ties an agent id to the tool call that made it. */
export function agentLink(db: Ledger, ev: StoredEvent<'agent_link'>): void {
  const p = ev.payload;
  upsertRun(db, ev, p.agent_id);
  if (typeof p.spawn_depth === 'number') db.prepare('UPDATE agent_runs SET spawn_depth = ? WHERE session_id = ? AND agent_id = ?').run(p.spawn_depth, ev.sessionId, p.agent_id);
  link(db, ev.sessionId!, p.tool_use_id, p.agent_id, p.parent_agent_id);
}

/** A running subagent's new messages, read at its own tool calls (dispatch budgets stop it on them). */
export function agentUsage(db: Ledger, ev: StoredEvent<'agent_usage'>, ctx: ProjectionContext): void {
  const p = ev.payload;
  upsertRun(db, ev, p.agent_id);
  agentTranscriptUsage(db, ev, ctx);
  db.prepare('UPDATE agent_runs SET live_offset = max(live_offset, ?), transcript_path = coalesce(transcript_path, ?) WHERE session_id = ? AND agent_id = ?').run(
    p.offset_end ?? 0,
    p.transcript_path ?? null,
    ev.sessionId,
    p.agent_id,
  );
  recomputeRunTotals(db, ev.sessionId!, p.agent_id);
}

export function upsertRun(db: Ledger, ev: StoredEvent, agentId: string): void {
  db.prepare('INSERT OR IGNORE INTO agent_runs (session_id, agent_id, project) VALUES (?, ?, ?)').run(ev.sessionId, agentId, ev.project ?? null);
}

function recomputeRunTotals(db: Ledger, sessionId: string, agentId: string): void {
  db.prepare(
    `UPDATE agent_runs SET (input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, unpriced_tokens) =
       (SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
               coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens), 0), coalesce(sum(cache_read_tokens), 0),
               coalesce(sum(total_tokens), 0), sum(cost_usd), coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0)
        FROM usage WHERE session_id = ? AND agent_id = ?)
     WHERE session_id = ? AND agent_id = ?`,
  ).run(sessionId, agentId, sessionId, agentId);
}

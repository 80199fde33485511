// Projection of the sessions table: first/last sight of a session, its end, its transcript offset.
import { prepared } from '../prepared';
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';

export function touchSession(db: Ledger, ev: StoredEvent): void {
  const p: Record<string, unknown> = ev.payload ?? {};
  const isHook = typeof p.hook_event_name === 'string';
  prepared(
    db,
    `INSERT INTO sessions (session_id, project, cwd, transcript_path, started_at, last_event_at, events)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET
       project = coalesce(sessions.project, excluded.project), cwd = coalesce(sessions.cwd, excluded.cwd),
       transcript_path = coalesce(sessions.transcript_path, excluded.transcript_path),
       started_at = min(sessions.started_at, excluded.started_at), last_event_at = max(sessions.last_event_at, excluded.last_event_at),
       events = sessions.events + excluded.events`,
  ).run(
    // Positional (every event of every writer passes here): id, project, cwd, transcript, started, last event, count.
    ev.sessionId,
    ev.project ?? null,
    isHook ? (p.cwd ?? null) : null,
    isHook ? (p.transcript_path ?? null) : null,
    ev.receivedAt,
    ev.receivedAt,
    isHook || ev.kind === 'malformed' ? 1 : 0,
  );
}

export function sessionEnd(db: Ledger, ev: StoredEvent<'SessionEnd'>): void {
  prepared(db, 'UPDATE sessions SET ended_at = max(coalesce(ended_at, 0), ?), end_reason = ? WHERE session_id = ?').run(
    ev.receivedAt,
    ev.payload.reason ?? null,
    ev.sessionId,
  );
}

/** session_imported: a session read from Claude Code's history rather than seen by hooks. */
export function sessionImported(db: Ledger, ev: StoredEvent<'session_imported'>): void {
  const p = ev.payload;
  prepared(
    db,
    `UPDATE sessions SET imported = 1, cwd = coalesce(cwd, ?), transcript_path = coalesce(transcript_path, ?),
       ended_at = max(coalesce(ended_at, 0), ?), last_event_at = max(coalesce(last_event_at, 0), ?)
     WHERE session_id = ?`,
  ).run(p.cwd ?? null, p.transcript_path ?? null, p.last_ts ?? ev.receivedAt, p.last_ts ?? ev.receivedAt, ev.sessionId);
}

/** transcript_usage: how far the main transcript has been read. */
export function transcriptOffset(db: Ledger, ev: StoredEvent<'transcript_usage'>): void {
  const p = ev.payload;
  prepared(db, 'UPDATE sessions SET transcript_offset = max(transcript_offset, ?) WHERE session_id = ?').run(p.offset_end ?? 0, ev.sessionId);
}

/** transcript_calls: how far the main transcript has been read for tool calls. */
export function callsOffset(db: Ledger, ev: StoredEvent<'transcript_calls'>): void {
  if (ev.payload.agent_id) return; // a subagent's calls: its own transcript, not the session's offset
  prepared(db, 'UPDATE sessions SET calls_offset = max(calls_offset, ?) WHERE session_id = ?').run(ev.payload.offset_end ?? 0, ev.sessionId);
}

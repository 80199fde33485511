// Projection of the tool_calls table: each call's start, end, failure, denial and reset status.
import { prepared } from '../prepared';
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';

export function preToolUse(db: Ledger, ev: StoredEvent<'PreToolUse'>): void {
  const p = ev.payload;
  const thread = p.agent_id ?? '';
  prepared(
    db,
    `INSERT INTO tool_calls (session_id, tool_use_id, project, agent_id, tool_name, call_key, summary, seq, started_at, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'started')
     ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
       project = excluded.project, agent_id = excluded.agent_id, tool_name = excluded.tool_name, call_key = excluded.call_key,
       summary = excluded.summary, seq = excluded.seq, started_at = excluded.started_at`,
  ).run(ev.sessionId, p.tool_use_id, ev.project, thread, p.tool_name, p._warden?.call_key ?? null, p._warden?.summary ?? null, ev.seq, ev.receivedAt);
  // A thread moves on only after its earlier calls returned: the ones still open succeeded
  // (failures arrive as PostToolUseFailure, which wins whenever it lands).
  prepared(
    db,
    `UPDATE tool_calls SET status = 'succeeded' WHERE session_id = ? AND agent_id = ? AND seq < ? AND status = 'started'`,
  ).run(ev.sessionId, thread, ev.seq);
}

export function postToolUse(db: Ledger, ev: StoredEvent<'PostToolUse'>): void {
  const p = ev.payload;
  prepared(
    db,
    `INSERT INTO tool_calls (session_id, tool_use_id, project, agent_id, tool_name, ended_at, status, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, 'succeeded', ?)
     ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
       ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
       status = CASE WHEN tool_calls.status IN ('failed', 'denied') THEN tool_calls.status ELSE 'succeeded' END`,
  ).run(ev.sessionId, p.tool_use_id, ev.project, p.agent_id ?? '', p.tool_name, ev.receivedAt, p.duration_ms ?? null);
}

export function postToolUseFailure(db: Ledger, ev: StoredEvent<'PostToolUseFailure'>): void {
  const p = ev.payload;
  prepared(
    db,
    `INSERT INTO tool_calls (session_id, tool_use_id, project, agent_id, tool_name, call_key, ended_at, status, error, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'failed', ?, ?)
     ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
       ended_at = excluded.ended_at, status = 'failed', error = excluded.error, duration_ms = excluded.duration_ms`,
  ).run(ev.sessionId, p.tool_use_id, ev.project, p.agent_id ?? '', p.tool_name, p._warden?.call_key ?? null, ev.receivedAt, p.error ?? null, p.duration_ms ?? null);
}

/** SubagentStop: the subagent's calls still open succeeded. */
export function subagentStop(db: Ledger, ev: StoredEvent<'SubagentStop'>): void {
  const p = ev.payload;
  prepared(db, `UPDATE tool_calls SET status = 'succeeded' WHERE session_id = ? AND agent_id = ? AND status = 'started'`).run(ev.sessionId, p.agent_id);
}

export function stop(db: Ledger, ev: StoredEvent<'Stop'>): void {
  prepared(db, `UPDATE tool_calls SET status = 'succeeded' WHERE session_id = ? AND agent_id = '' AND status = 'started'`).run(ev.sessionId);
}

/** decision: a denied call. */
export function decision(db: Ledger, ev: StoredEvent<'decision'>): void {
  const p = ev.payload;
  if (p.deny) {
    prepared(db, `UPDATE tool_calls SET status = 'denied', error = ? WHERE session_id = ? AND tool_use_id = ?`).run(p.reason ?? null, ev.sessionId, p.tool_use_id);
  }
}

/** breaker_reset: the tool-call side. */
export function breakerReset(db: Ledger, ev: StoredEvent<'breaker_reset'>): void {
  const p = ev.payload;
  // A reset also forgets the failure streaks the breaker counts from.
  const where = p.session_id ? 'session_id = ? AND ' : '';
  const args = p.session_id ? [p.session_id] : [];
  if (p.all) prepared(db, `UPDATE tool_calls SET status = 'failed_reset' WHERE ${where}status = 'failed'`).run(...args);
  else prepared(db, `UPDATE tool_calls SET status = 'failed_reset' WHERE ${where}status = 'failed' AND call_key = ?`).run(...args, String(p.key).replace(/^call:[^:]*:/, ''));
}

// Outcomes only ever move forward: a failure or denial stands, a success ends a started call.
const MERGED_STATUS = `CASE WHEN tool_calls.status IN ('failed', 'denied', 'failed_reset') THEN tool_calls.status
  WHEN excluded.status IN ('failed', 'denied') THEN excluded.status
  WHEN excluded.status = 'succeeded' THEN 'succeeded'
  ELSE tool_calls.status END`;

/** transcript_calls: the main thread's calls as its transcript has them; fills in what hooks missed. */
export function transcriptCalls(db: Ledger, ev: StoredEvent<'transcript_calls'>): void {
  // Positional, as every call of an imported transcript passes here (named parameters are looked up one by one).
  const upsert = prepared(
    db,
    `INSERT INTO tool_calls (session_id, tool_use_id, project, agent_id, tool_name, call_key, summary, seq, started_at, status, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
       tool_name = coalesce(tool_calls.tool_name, excluded.tool_name), call_key = coalesce(tool_calls.call_key, excluded.call_key),
       summary = coalesce(tool_calls.summary, excluded.summary), started_at = coalesce(tool_calls.started_at, excluded.started_at),
       error = coalesce(tool_calls.error, excluded.error), status = ${MERGED_STATUS}`,
  );
  const agent = typeof ev.payload.agent_id === 'string' ? ev.payload.agent_id : '';
  for (const c of ev.payload.calls ?? []) {
    upsert.run(ev.sessionId, c.tool_use_id, ev.project ?? null, agent, c.tool_name, c.call_key ?? null, c.summary ?? null, ev.seq, c.ts ?? ev.receivedAt, c.status, c.error ?? null);
  }
  const late = prepared(
    db,
    `UPDATE tool_calls SET error = coalesce(error, @error), status = CASE WHEN status IN ('failed', 'denied', 'failed_reset') THEN status
       WHEN @status IN ('failed', 'denied', 'succeeded') THEN @status ELSE status END
     WHERE session_id = @session AND tool_use_id = @id`,
  );
  for (const r of ev.payload.late_results ?? []) late.run({ session: ev.sessionId, id: r.tool_use_id, status: r.status, error: r.error ?? null });
}

// What the breaker counts, read from the projections: a call's failures since its thread last made
// progress, an agent type's consecutive failed dispatches, a session's recent failures, and how
// a half-open circuit's trial call ended.
import { prepared } from '../../ledger/prepared';
import type { Ledger } from '../../ledger/db';
import type { CircuitRow, Streak, TrialOutcome } from './circuit';

/**
 * Failures of `callKey` in one thread since the thread's last successful call. Walks the thread
 * backwards and stops at the first success, so the cost is the length of the current streak.
 * Denied calls and calls whose failures were reset are neither failure nor progress.
 */
export function callStreak(db: Ledger, sessionId: string, thread: string, callKey: string): Streak {
  const rows = prepared(db, `SELECT call_key, status, error, ended_at FROM tool_calls WHERE session_id = ? AND agent_id = ? ORDER BY seq DESC`)
    .iterate(sessionId, thread) as Iterable<{ call_key: string | null; status: string; error: string | null; ended_at: number | null }>;
  const streak: Streak = { failures: 0, lastError: null, lastFailedAt: null };
  for (const r of rows) {
    if (r.status === 'succeeded') break;
    if (r.status !== 'failed' || r.call_key !== callKey) continue;
    if (streak.failures === 0) Object.assign(streak, { lastError: r.error, lastFailedAt: r.ended_at });
    streak.failures++;
  }
  return streak;
}

/** Consecutive failed or killed dispatches of one agent type in a session, newest first, from `since` on. */
export function agentStreak(db: Ledger, sessionId: string, agentType: string, since: number): Streak {
  const rows = prepared(
    db,
      `SELECT status, error, ended_at FROM dispatches
       WHERE session_id = ? AND agent_type = ? AND coalesce(started_at, 0) >= ? AND status IN ('completed', 'failed', 'killed')
       ORDER BY started_at DESC, id DESC`,
    )
    .iterate(sessionId, agentType, since) as Iterable<{ status: string; error: string | null; ended_at: number | null }>;
  const streak: Streak = { failures: 0, lastError: null, lastFailedAt: null };
  for (const r of rows) {
    if (r.status === 'completed') break;
    if (streak.failures === 0) Object.assign(streak, { lastError: r.error ?? `dispatch ${r.status}`, lastFailedAt: r.ended_at });
    streak.failures++;
  }
  return streak;
}

/** Failed tool calls (dispatches included) in a session since `since`, leaving out exempt tools. */
export function recentFailures(db: Ledger, sessionId: string, since: number, exemptTools: string[]): number {
  const exempt = exemptTools.length ? `AND tool_name NOT IN (${exemptTools.map(() => '?').join(',')})` : '';
  const row = prepared(db, `SELECT count(*) AS n FROM tool_calls WHERE session_id = ? AND status = 'failed' AND ended_at > ? ${exempt}`)
    .get(sessionId, since, ...exemptTools) as { n: number };
  return row.n;
}

export function readCircuit(db: Ledger, sessionId: string, key: string): CircuitRow | undefined {
  return prepared(
    db,
      `SELECT key, kind, label, state, failures, opened_at, cooldown_ms, last_error, trial_tool_use_id, updated_at
       FROM circuits WHERE session_id = ? AND key = ?`,
    )
    .get(sessionId, key) as CircuitRow | undefined;
}

/** How a trial ended. A trial call has not ended while its thread has made no later call. */
export function trialOutcome(db: Ledger, sessionId: string, row: CircuitRow | undefined): TrialOutcome {
  if (row?.state !== 'half_open' || !row.trial_tool_use_id) return { status: 'none' };
  if (row.kind === 'agent') {
    const d = prepared(db, 'SELECT status, ended_at FROM dispatches WHERE session_id = ? AND tool_use_id = ?').get(sessionId, row.trial_tool_use_id) as
      | { status: string; ended_at: number | null }
      | undefined;
    return outcomeOf(d?.status, d?.ended_at ?? null, { completed: 'succeeded', failed: 'failed', killed: 'failed', running: 'running' });
  }
  const c = prepared(db, 'SELECT status, ended_at FROM tool_calls WHERE session_id = ? AND tool_use_id = ?').get(sessionId, row.trial_tool_use_id) as
    | { status: string; ended_at: number | null }
    | undefined;
  return outcomeOf(c?.status, c?.ended_at ?? null, { succeeded: 'succeeded', failed: 'failed', failed_reset: 'failed', started: 'running' });
}

function outcomeOf(status: string | undefined, endedAt: number | null, map: Record<string, 'succeeded' | 'failed' | 'running'>): TrialOutcome {
  const s = status ? map[status] : undefined;
  if (s === 'failed') return { status: 'failed', endedAt };
  if (s) return { status: s };
  return { status: 'none' };
}

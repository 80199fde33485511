// Projection of policy state: circuits and budget notices from decisions, budget overrides, breaker resets.
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';

/** decision: circuit changes and budget notices (denials and dispatch reservations project elsewhere). */
export function decision(db: Ledger, ev: StoredEvent<'decision'>): void {
  const p = ev.payload;
  for (const c of p.circuits ?? []) {
    db.prepare(
      `INSERT INTO circuits (session_id, key, kind, label, state, failures, opened_at, cooldown_ms, last_error, trial_tool_use_id, updated_at)
       VALUES (@session, @key, @kind, @label, @state, @failures, @opened_at, @cooldown_ms, @last_error, @trial, @at)
       ON CONFLICT (session_id, key) DO UPDATE SET state = excluded.state, failures = excluded.failures, opened_at = excluded.opened_at,
         cooldown_ms = excluded.cooldown_ms, last_error = excluded.last_error, trial_tool_use_id = excluded.trial_tool_use_id,
         updated_at = excluded.updated_at, label = excluded.label`,
    ).run({
      session: ev.sessionId,
      key: c.key,
      kind: c.kind,
      label: c.label ?? null,
      state: c.state,
      failures: c.failures ?? 0,
      opened_at: c.opened_at ?? null,
      cooldown_ms: c.cooldown_ms ?? null,
      last_error: c.last_error ?? null,
      trial: c.trial_tool_use_id ?? null,
      at: ev.receivedAt,
    });
  }
  for (const n of p.notices ?? []) {
    db.prepare('INSERT OR IGNORE INTO budget_notices (budget_key, window_start, threshold, session_id, sent_at) VALUES (?, ?, ?, ?, ?)').run(
      n.budget_key,
      n.window_start,
      n.threshold,
      ev.sessionId,
      ev.receivedAt,
    );
  }
}

export function budgetOverride(db: Ledger, ev: StoredEvent<'budget_override'>): void {
  const p = ev.payload;
  db.prepare('INSERT OR IGNORE INTO budget_overrides (seq, session_id, budget_id, add_tokens, add_usd, created_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    ev.seq,
    p.session_id ?? null,
    p.budget_id ?? null,
    p.add_tokens ?? 0,
    p.add_usd ?? 0,
    ev.receivedAt,
    p.note ?? null,
  );
}

/** spawn_override: a logged raise of one spawn cap, for one session (or all). */
export function spawnOverride(db: Ledger, ev: StoredEvent<'spawn_override'>): void {
  const p = ev.payload;
  db.prepare('INSERT OR IGNORE INTO spawn_overrides (seq, session_id, cap, add_n, created_at, note) VALUES (?, ?, ?, ?, ?, ?)').run(
    ev.seq,
    p.session_id ?? null,
    String(p.cap),
    Math.max(0, Math.floor(Number(p.add) || 0)),
    ev.receivedAt,
    p.note ?? null,
  );
}

/** breaker_reset: the circuit side; the failure streaks it forgets are in tool_calls. */
export function breakerReset(db: Ledger, ev: StoredEvent<'breaker_reset'>): void {
  const p = ev.payload;
  // Circuits close rather than vanish: a closed row's updated_at is where an agent type's streak
  // of failed dispatches counts from again (dispatch history itself is never rewritten).
  const scope = { at: ev.receivedAt, session: p.session_id ?? null, all: p.all ? 1 : 0, key: p.key ?? null };
  db.prepare(
    `UPDATE circuits SET state = 'closed', failures = 0, trial_tool_use_id = NULL, updated_at = @at
     WHERE (@session IS NULL OR session_id = @session) AND (@all = 1 OR key = @key)`,
  ).run(scope);
  db.prepare(
    `INSERT INTO circuits (session_id, key, kind, label, state, failures, updated_at)
     SELECT DISTINCT session_id, 'agent:' || agent_type, 'agent', agent_type, 'closed', 0, @at FROM dispatches
     WHERE status IN ('failed', 'killed') AND agent_type IS NOT NULL AND (@session IS NULL OR session_id = @session)
       AND (@all = 1 OR 'agent:' || agent_type = @key)
     ON CONFLICT (session_id, key) DO NOTHING`,
  ).run(scope);
}

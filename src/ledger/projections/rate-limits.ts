// Projections of rate-limit snapshots (one row per window per snapshot, for the latest level and
// its history) and of window-budget lifts. Keyed by the event's seq, so a replay converges.
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';

export function rateLimits(db: Ledger, ev: StoredEvent<'rate_limits'>): void {
  const windows = Array.isArray(ev.payload?.windows) ? ev.payload.windows : [];
  const insert = db.prepare(
    `INSERT OR IGNORE INTO rate_limit_windows (seq, window, seen_at, used_percentage, resets_at, session_id, project)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const w of windows) {
    if (typeof w?.window !== 'string' || typeof w.used_percentage !== 'number' || typeof w.resets_at !== 'number') continue;
    insert.run(ev.seq, w.window, ev.receivedAt, w.used_percentage, w.resets_at, ev.sessionId ?? null, ev.project ?? null);
  }
}

export function windowLift(db: Ledger, ev: StoredEvent<'window_lift'>): void {
  const p = ev.payload ?? {};
  if (typeof p.session_id !== 'string' || typeof p.window !== 'string') return;
  db.prepare('INSERT OR IGNORE INTO window_lifts (seq, session_id, window, lifted_at, note) VALUES (?, ?, ?, ?, ?)').run(
    ev.seq,
    p.session_id,
    p.window,
    ev.receivedAt,
    typeof p.note === 'string' ? p.note : null,
  );
}

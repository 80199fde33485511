// Rate-limit snapshots in the ledger: recorded as `rate_limits` events (one per distinct snapshot,
// so a status line refreshed every few hundred ms adds a row only when a level or reset moves),
// read back as the latest standing level of each window and as history.
import { createHash } from 'node:crypto';
import type { Ledger } from '../../ledger/db';
import { record, type ProjectionContext } from '../../ledger/project';
import { snapshotKey, type RateWindow, type WindowName } from './rate-limits';

export interface Snapshot {
  sessionId?: string;
  project?: string;
  windows: RateWindow[];
  now: number;
}

/** Records a snapshot; false when the same windows at the same levels are already recorded. */
export function recordSnapshot(db: Ledger, s: Snapshot, ctx: ProjectionContext): boolean {
  if (!s.windows.length) return false;
  // Windows are the account's, not the session's: the same levels seen by two sessions are one fact.
  const uid = 'rl-' + createHash('sha256').update(snapshotKey(s.windows)).digest('hex').slice(0, 32);
  const event = { uid, kind: 'rate_limits', receivedAt: s.now, sessionId: s.sessionId, project: s.project, source: 'statusline', payload: { windows: s.windows } } as const;
  return record(db, event, ctx) !== undefined;
}

export interface StandingWindow extends RateWindow {
  seen_at: number;
}

/**
 * The standing level of a window: the highest level reported for its latest period whose reset is
 * still ahead (a window past its reset no longer counts). Within a period the level only grows, so
 * a stale snapshot from another session arriving late cannot lower it.
 */
export function standingWindow(db: Ledger, window: WindowName, now: number): StandingWindow | undefined {
  return db
    .prepare(
      `SELECT window, used_percentage, resets_at, seen_at FROM rate_limit_windows
       WHERE window = ? AND resets_at > ? ORDER BY resets_at DESC, used_percentage DESC, seen_at DESC LIMIT 1`,
    )
    .get(window, Math.floor(now / 1000)) as StandingWindow | undefined;
}

export function standingWindows(db: Ledger, now: number): StandingWindow[] {
  const names = db.prepare('SELECT DISTINCT window FROM rate_limit_windows WHERE resets_at > ?').all(Math.floor(now / 1000)) as { window: string }[];
  return names
    .map((n) => standingWindow(db, n.window, now))
    .filter((w): w is StandingWindow => w !== undefined)
    .sort((a, b) => a.window.localeCompare(b.window));
}

export function isLifted(db: Ledger, sessionId: string, window: WindowName): boolean {
  return db.prepare('SELECT 1 FROM window_lifts WHERE session_id = ? AND window = ?').get(sessionId, window) !== undefined;
}

export interface WindowHistoryRow {
  window: string;
  /** One row per window period (its resets_at). */
  resets_at: string;
  first_seen: string;
  last_seen: string;
  snapshots: number;
  peak_percent: number;
  last_percent: number;
  /** Time the reported level stood at or above the limit of a window budget (null: no such budget). */
  limit_percent: number | null;
  ms_at_or_above_limit: number | null;
}

/**
 * Each window period since `since`: peak level and, against a limit, how long the level stood at or
 * above it (from the snapshot that first reported it to the next one below it, or the period's end/now).
 */
export function windowHistory(db: Ledger, limits: Map<string, number>, since: number, now: number): WindowHistoryRow[] {
  const rows = db
    .prepare('SELECT window, used_percentage, resets_at, seen_at FROM rate_limit_windows WHERE seen_at >= ? ORDER BY window, resets_at, seen_at, seq')
    .all(since) as StandingWindow[];
  const out: WindowHistoryRow[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j]!.window === rows[i]!.window && rows[j]!.resets_at === rows[i]!.resets_at) j++;
    const period = rows.slice(i, j);
    const limit = limits.get(period[0]!.window);
    const end = Math.min(now, period[0]!.resets_at * 1000);
    let above = 0;
    if (limit !== undefined) {
      period.forEach((r, k) => {
        if (r.used_percentage >= limit) above += Math.max(0, (k + 1 < period.length ? period[k + 1]!.seen_at : end) - r.seen_at);
      });
    }
    out.push({
      window: period[0]!.window,
      resets_at: new Date(period[0]!.resets_at * 1000).toISOString(),
      first_seen: new Date(period[0]!.seen_at).toISOString(),
      last_seen: new Date(period[period.length - 1]!.seen_at).toISOString(),
      snapshots: period.length,
      peak_percent: Math.max(...period.map((r) => r.used_percentage)),
      last_percent: period[period.length - 1]!.used_percentage,
      limit_percent: limit ?? null,
      ms_at_or_above_limit: limit === undefined ? null : above,
    });
    i = j;
  }
  return out;
}

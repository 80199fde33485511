// `breaker reset`: an event in the log (so a rebuild agrees), projected at once.
import type { Ledger } from '../../ledger/db';
import { record } from '../../ledger/project';

export interface ResetRequest {
  key?: string;
  all?: boolean;
  sessionId?: string;
}

/** Appends a `breaker_reset` event and projects it; returns how many open or half-open circuits it closed. */
export function resetCircuits(db: Ledger, req: ResetRequest, now: number): number {
  return db
    .transaction(() => {
      const before = openCount(db, req);
      record(db, {
        kind: 'breaker_reset',
        receivedAt: now,
        // The session goes in the payload only: a reset is not session activity.
        source: 'cli',
        payload: { key: req.all ? undefined : req.key, all: Boolean(req.all), session_id: req.sessionId },
      }, { pricing: {} });
      return before;
    })
    .immediate();
}

function openCount(db: Ledger, req: ResetRequest): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM circuits WHERE state != 'closed' AND (@session IS NULL OR session_id = @session) AND (@all = 1 OR key = @key)`,
    )
    .get({ session: req.sessionId ?? null, all: req.all ? 1 : 0, key: req.key ?? null }) as { n: number };
  return row.n;
}

// Which spans have gone to the collector (ledger table otel_spans), so each is sent once:
// a run claims the spans it is about to send, in one write transaction, and marks them sent when
// the collector accepted them, or drops the claim when it did not (the next run sends them again).
// A claim older than its lease (a run that died mid-send) is up for grabs again; span ids are
// derived from the ledger's keys, so even that rare resend carries the same ids.
import type { Ledger } from '../ledger/db';
import { sessionSpans, type SpanPlan } from './spans';

/** A session counts as finished at SessionEnd, or after this long without an event (a session Claude Code never closed). */
export const IDLE_MS = 3_600_000;
/** What `otel export` sends by default, and what `otel status` and `doctor` count as waiting: sessions of the last 7 days. */
export const DEFAULT_WINDOW_MS = 7 * 86_400_000;

export interface Claim {
  claimedAt: number;
  spans: SpanPlan[];
  sessions: number;
}

export interface Scope {
  sessionId?: string;
  since?: number;
}

const FINISHED = '(s.ended_at IS NOT NULL OR s.last_event_at < @idleBefore)';
const SETTLED = `(o.state = 'exported' OR o.claimed_at > @leaseStart)`;

/** Claims up to `maxSpans` spans of finished sessions that no run has sent or is sending. */
export function claimSpans(db: Ledger, scope: Scope, now: number, opts: { maxSpans: number; leaseMs: number }): Claim {
  return db
    .transaction((): Claim => {
      const params = { idleBefore: now - IDLE_MS, leaseStart: now - opts.leaseMs, session: scope.sessionId ?? null, since: scope.since ?? null };
      const candidates = db
        .prepare(
          `SELECT s.session_id FROM sessions s
           WHERE ${FINISHED} AND (@session IS NULL OR s.session_id = @session) AND (@since IS NULL OR coalesce(s.started_at, s.last_event_at) >= @since)
             AND (SELECT count(*) FROM otel_spans o WHERE o.session_id = s.session_id AND ${SETTLED}) < 1 + (SELECT count(*) FROM dispatches d WHERE d.session_id = s.session_id)
           ORDER BY s.started_at, s.session_id LIMIT 200`,
        )
        .all(params) as { session_id: string }[];
      const settled = db.prepare(`SELECT 1 FROM otel_spans o WHERE o.span_id = @span AND ${SETTLED}`);
      const claim = db.prepare(
        `INSERT INTO otel_spans (span_id, trace_id, session_id, tool_use_id, state, claimed_at) VALUES (?, ?, ?, ?, 'sending', ?)
         ON CONFLICT (span_id) DO UPDATE SET state = 'sending', claimed_at = excluded.claimed_at, exported_at = NULL`,
      );
      const spans: SpanPlan[] = [];
      let sessions = 0;
      for (const c of candidates) {
        const fresh = sessionSpans(db, c.session_id, now).filter((s) => !settled.get({ span: s.spanId, leaseStart: params.leaseStart }));
        if (!fresh.length) continue;
        // A session's spans travel together unless one session alone has more than a request holds.
        if (spans.length && spans.length + fresh.length > opts.maxSpans) break;
        for (const s of fresh.slice(0, opts.maxSpans - spans.length)) {
          claim.run(s.spanId, s.traceId, s.sessionId, s.toolUseId ?? null, now);
          spans.push(s);
        }
        sessions++;
        if (spans.length >= opts.maxSpans) break;
      }
      return { claimedAt: now, spans, sessions };
    })
    .immediate();
}

/** The collector accepted them: sent for good. */
export function markSent(db: Ledger, claim: Claim, now: number): void {
  settle(db, claim, `UPDATE otel_spans SET state = 'exported', exported_at = ${Math.floor(now)} WHERE span_id = ? AND state = 'sending' AND claimed_at = ?`);
  setState(db, { last_success_at: String(now), last_error: '', last_attempt_at: String(now) });
}

/** The collector did not take them: free them for the next run. */
export function releaseClaim(db: Ledger, claim: Claim, now: number, error: string, endpoint: string): void {
  settle(db, claim, `DELETE FROM otel_spans WHERE span_id = ? AND state = 'sending' AND claimed_at = ?`);
  setState(db, { last_error: error, last_error_at: String(now), last_error_endpoint: endpoint, last_attempt_at: String(now) });
}

function settle(db: Ledger, claim: Claim, sql: string): void {
  const stmt = db.prepare(sql);
  db.transaction(() => {
    for (const s of claim.spans) stmt.run(s.spanId, claim.claimedAt);
  }).immediate();
}

function setState(db: Ledger, values: Record<string, string>): void {
  const stmt = db.prepare('INSERT INTO otel_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [k, v] of Object.entries(values)) stmt.run(k, v);
  }).immediate();
}

export interface ExportStatus {
  exported_spans: number;
  /** Spans of finished sessions of the last 7 days (or since `since`) not sent yet. */
  waiting_spans: number;
  last_attempt_at: string | null;
  last_success_at: string | null;
  /** The last failure, when no export has succeeded since. */
  last_error: string | null;
  last_error_at: string | null;
  last_error_endpoint: string | null;
}

export function exportStatus(db: Ledger, now: number, since?: number): ExportStatus {
  const state = Object.fromEntries((db.prepare('SELECT key, value FROM otel_state').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  const exported = (db.prepare(`SELECT count(*) AS n FROM otel_spans WHERE state = 'exported'`).get() as { n: number }).n;
  const waiting = (
    db
      .prepare(
        `SELECT coalesce(sum(1 + (SELECT count(*) FROM dispatches d WHERE d.session_id = s.session_id)
           - (SELECT count(*) FROM otel_spans o WHERE o.session_id = s.session_id AND o.state = 'exported')), 0) AS n
         FROM sessions s WHERE ${FINISHED} AND coalesce(s.started_at, s.last_event_at) >= @since`,
      )
      .get({ idleBefore: now - IDLE_MS, since: since ?? now - DEFAULT_WINDOW_MS }) as { n: number }
  ).n;
  const iso = (v: string | undefined) => (v ? new Date(Number(v)).toISOString() : null);
  const failing = Boolean(state.last_error) && Number(state.last_error_at ?? 0) >= Number(state.last_success_at ?? 0);
  return {
    exported_spans: exported,
    waiting_spans: Math.max(0, waiting),
    last_attempt_at: iso(state.last_attempt_at),
    last_success_at: iso(state.last_success_at),
    last_error: failing ? state.last_error! : null,
    last_error_at: failing ? iso(state.last_error_at) : null,
    last_error_endpoint: failing ? (state.last_error_endpoint ?? null) : null,
  };
}

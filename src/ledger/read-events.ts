// The event log as users and scripts see it (`events --json`, the TypeScript API).
import type { Ledger } from './db';

export interface EventQuery {
  sessionId?: string;
  kind?: string;
  since?: number;
  project?: string;
  /** At most this many, the newest, in log order. */
  limit?: number;
}

export function listEventRows(db: Ledger, q: EventQuery = {}): any[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.sessionId) (where.push('session_id = ?'), args.push(q.sessionId));
  if (q.kind) (where.push('kind = ?'), args.push(q.kind));
  if (q.since !== undefined) (where.push('received_at >= ?'), args.push(q.since));
  if (q.project) (where.push('project = ?'), args.push(q.project));
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sql = q.limit
    ? `SELECT * FROM (SELECT * FROM events ${cond} ORDER BY seq DESC LIMIT ${Math.floor(q.limit)}) ORDER BY seq`
    : `SELECT * FROM events ${cond} ORDER BY seq`;
  return db.prepare(sql).all(...args) as any[];
}

// This machine's side of the push: the outbox rows (one per billed usage row, kept by triggers of
// migration 12, armed once this ledger has a machine id) that the team server has not got in their latest form. A batch takes a push
// sequence number; the server keeps, per machine and outbox id, the row of the highest sequence, so
// a batch pushed twice (the process died before marking it) or overtaken by a newer one lands once.
import { randomUUID } from 'node:crypto';
import type { Ledger } from '../ledger/db';
import { readTeamState } from '../core/budget/team-figure';

export interface OutboxRow {
  id: number;
  session_id: string;
  agent_id: string;
  message_id: string;
  agent_type: string | null;
  model: string | null;
  project: string | null;
  ts: number;
  total_tokens: number;
  cost_usd: number | null;
}

export function writeTeamState(db: Ledger, values: Record<string, string | null>): void {
  db.transaction(() => {
    for (const [key, value] of Object.entries(values)) {
      if (value === null) db.prepare('DELETE FROM team_state WHERE key = ?').run(key);
      else db.prepare('INSERT INTO team_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    }
  }).immediate();
}

/**
 * This ledger's id on the team server, made on first use (a new ledger is a new machine: its outbox
 * ids start again). Making it arms the outbox: its triggers only run once the id exists, so a
 * ledger that never joins a team pays nothing per usage row; the rows billed before are queued here.
 */
export function machineId(db: Ledger): string {
  const known = readTeamState(db, 'machine_id');
  if (known) return known;
  db.transaction(() => {
    if (db.prepare('INSERT OR IGNORE INTO team_state (key, value) VALUES (?, ?)').run('machine_id', randomUUID()).changes === 0) return;
    db.prepare('INSERT INTO team_outbox (session_id, agent_id, message_id) SELECT session_id, agent_id, message_id FROM usage WHERE true ORDER BY ts ON CONFLICT DO NOTHING').run();
  }).immediate();
  return readTeamState(db, 'machine_id')!;
}

/** The next rows to push, with the push sequence number they go under. */
export function takeBatch(db: Ledger, limit: number): { seq: number; rows: OutboxRow[] } {
  return db
    .transaction(() => {
      const seq = Number(readTeamState(db, 'push_seq') ?? '0') + 1;
      db.prepare("INSERT INTO team_state (key, value) VALUES ('push_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(seq));
      const rows = db
        .prepare(
          `SELECT o.id, u.session_id, u.agent_id, u.message_id, u.agent_type, u.model, u.project, coalesce(u.ts, 0) AS ts, u.total_tokens, u.cost_usd
           FROM team_outbox o JOIN usage u ON u.session_id = o.session_id AND u.agent_id = o.agent_id AND u.message_id = o.message_id
           WHERE o.dirty = 1 ORDER BY o.id LIMIT ?`,
        )
        .all(limit) as OutboxRow[];
      return { seq, rows };
    })
    .immediate();
}

/**
 * Rows the server now holds. A row whose usage changed after it was read (a merged message, a new
 * price) stays dirty: only rows still equal to what was pushed are marked.
 */
export function markPushed(db: Ledger, rows: OutboxRow[]): void {
  const mark = db.prepare(
    `UPDATE team_outbox SET dirty = 0 WHERE id = @id AND EXISTS (
       SELECT 1 FROM usage u WHERE u.session_id = @session_id AND u.agent_id = @agent_id AND u.message_id = @message_id
         AND u.total_tokens = @total_tokens AND u.cost_usd IS @cost_usd AND u.agent_type IS @agent_type AND u.model IS @model AND coalesce(u.ts, 0) = @ts)`,
  );
  db.transaction(() => {
    for (const r of rows) mark.run({ id: r.id, session_id: r.session_id, agent_id: r.agent_id, message_id: r.message_id, total_tokens: r.total_tokens, cost_usd: r.cost_usd, agent_type: r.agent_type, model: r.model, ts: r.ts });
  }).immediate();
}

/** Rows waiting to be pushed (or pushed again after a change). */
export function pendingCount(db: Ledger): number {
  // Before the first sync the outbox is not armed yet: every billed row is still to push.
  if (!readTeamState(db, 'machine_id')) return (db.prepare('SELECT count(*) AS n FROM usage').get() as { n: number }).n;
  return (db.prepare('SELECT count(*) AS n FROM team_outbox WHERE dirty = 1').get() as { n: number }).n;
}

// Projections are disposable: drop them and replay the event log in order.
import type { Ledger } from './db';
import { rowToEvent } from './events';
import { project, projectionTables, type ProjectionContext } from './project';
import { deferPricing, settleDeferred } from './projections/usage';

export function rebuildProjections(db: Ledger, context: ProjectionContext, onProgress?: (done: number, total: number) => void): number {
  const total = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  let done = 0;
  // Like an import, a rebuild settles costs once at the end, not at each event (see usage.ts).
  const ctx = deferPricing(context);
  db.transaction(() => {
    for (const table of projectionTables) db.prepare(`DELETE FROM ${table}`).run();
    db.prepare(`DELETE FROM sqlite_sequence WHERE name = 'dispatches'`).run();
    // Read in pages: better-sqlite3 refuses writes on a connection while a statement iterates.
    const page = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT 5000');
    for (let rows = page.all(0) as any[]; rows.length; rows = page.all(rows[rows.length - 1].seq) as any[]) {
      for (const row of rows) {
        project(db, rowToEvent(row), ctx);
        if (++done % 10_000 === 0) onProgress?.(done, total);
      }
    }
    settleDeferred(db, ctx);
  }).immediate();
  onProgress?.(done, total);
  return done;
}

/** A stable dump of every projection, for comparing a live ledger with its rebuild. */
export function snapshotProjections(db: Ledger): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of projectionTables) {
    const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'id');
    out[table] = db.prepare(`SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${cols.join(', ')}`).all();
  }
  return out;
}

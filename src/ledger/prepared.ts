// Statements compiled once per ledger handle. The resident server answers every tool call on one
// handle, and compiling the same few statements again on each call was a tenth of its work per
// call (issue 20); a transcript read can bring tens of thousands of rows (issue 15). Only for
// statements that are never iterated while the same statement runs again, and never `pluck`ed.
import type { Ledger } from './db';

type Statement = ReturnType<Ledger['prepare']>;
const statements = new WeakMap<Ledger, Map<string, Statement>>();

export function prepared(db: Ledger, sql: string): Statement {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map()));
  let stmt = byText.get(sql);
  if (!stmt) byText.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

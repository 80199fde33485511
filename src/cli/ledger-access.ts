// How commands reach the ledger: read-only unless they change something, and a clear message
// (not a stack trace) when it cannot be opened.
import { NativeMissingError, openLedger, type Ledger } from '../ledger/db';
import { UserError } from './errors';

export function withLedger<T>(fn: (db: Ledger) => T, opts: { write?: boolean } = {}): T {
  let db: Ledger;
  try {
    db = openLedger({ readonly: !opts.write });
  } catch (err) {
    if (err instanceof NativeMissingError) throw new UserError(err.message, 'run `agent-warden doctor --install` (or `npm install` in a checkout)');
    throw new UserError(`cannot open the ledger: ${(err as Error).message}`, 'run `agent-warden doctor`');
  }
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

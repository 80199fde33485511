// How commands reach the ledger: read-only unless they change something, and a clear message
// (not a stack trace) when it cannot be opened. Reports first catch up with transcripts that
// Claude Code finished writing after the last hook fired.
import { loadConfig } from '../config/load';
import { catchUpTranscripts } from '../hooks/catch-up';
import { NativeMissingError, openLedger, type Ledger } from '../ledger/db';
import { errorText, trace } from '../runtime/log';
import { UserError } from './errors';

export function withLedger<T>(fn: (db: Ledger) => T, opts: { write?: boolean; catchUp?: boolean } = { catchUp: true }): T {
  let db: Ledger;
  try {
    db = openLedger({ readonly: !opts.write && !opts.catchUp });
  } catch (err) {
    if (opts.catchUp && !opts.write && !(err instanceof NativeMissingError)) return withLedger(fn, { catchUp: false });
    if (err instanceof NativeMissingError) throw new UserError(err.message, 'run `agent-warden doctor --install` (or `npm install` in a checkout)');
    throw new UserError(`cannot open the ledger: ${(err as Error).message}`, 'run `agent-warden doctor`');
  }
  try {
    if (opts.catchUp) {
      try {
        catchUpTranscripts(db, loadConfig(process.cwd()).config);
      } catch (err) {
        trace(`could not catch up with transcripts (${errorText(err)}); reporting what the ledger has`);
      }
    }
    return fn(db);
  } finally {
    db.close();
  }
}

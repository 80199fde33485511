// How commands reach the ledger: read-only unless they change something, and one clear line (not
// a stack trace) when it cannot be opened. Reports first catch up with transcripts that Claude Code
// finished writing after the last hook fired, when the ledger is the user's to write (and first take
// in the session starts and ends that hooks/session-event.sh left in the inbox).
//
// A ledger in a folder the user cannot write (another user's, a read-only mount) cannot be read in
// place: SQLite needs to create the WAL index (-shm) beside it, and this build of SQLite has no
// `immutable` URIs. Read commands then read a private snapshot (the file and its WAL, copied).
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../runtime/config/load';
import { catchUpTranscripts } from '../core/catch-up';
import { drainInboxInto } from '../hooks/ingest';
import { NativeMissingError, openLedger, type Ledger } from '../ledger/db';
import { errorText, trace } from '../runtime/log';
import { ledgerPath } from '../runtime/paths';
import { environmentError, UserError } from './errors';

export function withLedger<T>(fn: (db: Ledger) => T, opts: { write?: boolean; catchUp?: boolean } = { catchUp: true }): T {
  const file = ledgerPath();
  if (opts.write) return using(openOrExplain(() => openLedger(), file, 'write'), fn);
  const mine = writable(file);
  // A missing ledger is not created by a reader: it answers from an empty one in memory.
  if (opts.catchUp && mine && existsSync(file)) {
    let db: Ledger | undefined;
    try {
      db = openLedger();
    } catch (err) {
      if (err instanceof NativeMissingError) throw explain(err, file, 'read');
      // Not writable after all (full disk, locked): read it as it is, below.
    }
    if (db) {
      try {
        // A session's start or end that hooks/session-event.sh left for Node, then the transcripts.
        drainInboxInto(db);
        catchUpTranscripts(db, loadConfig(process.cwd()).config);
      } catch (err) {
        trace(`could not catch up with transcripts (${errorText(err)}); reporting what the ledger has`);
      }
      return using(db, fn);
    }
  }
  let db: Ledger | undefined;
  let why: unknown;
  try {
    db = openLedger({ readonly: true });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return using(db, fn);
  } catch (err) {
    db?.close();
    if (db === undefined || !inPlaceReadFails(err)) throw explain(err, file, 'read');
    why = err;
  }
  let snap: { db: Ledger; dir: string };
  try {
    snap = snapshot(file);
  } catch (err) {
    // The snapshot could not be made either (e.g. the temp dir is on the same full disk): the first cause is the one to name.
    trace(`could not read a snapshot of the ledger either (${errorText(err)})`);
    throw explain(why, file, 'read');
  }
  try {
    return using(snap.db, fn);
  } finally {
    rmSync(snap.dir, { recursive: true, force: true });
  }
}

/** Reading in place needs the WAL index beside the file: a read-only folder or a full disk refuses it. */
function inPlaceReadFails(err: unknown): boolean {
  const code = String((err as { code?: string }).code ?? '');
  return ['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL'].some((c) => code.startsWith(c));
}

function using<T>(db: Ledger, fn: (db: Ledger) => T): T {
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The ledger and its folder can be written by this user (else: read-only access only). */
function writable(file: string): boolean {
  try {
    accessSync(dirname(file), constants.W_OK);
    if (existsSync(file)) accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function snapshot(file: string): { db: Ledger; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'agent-warden-snapshot-'));
  try {
    const copy = join(dir, 'ledger.db');
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = openLedger({ path: copy });
    process.stderr.write(`agent-warden: ${dirname(file)} cannot be written (read-only or full), so this reads a snapshot of the ledger\n`);
    return { db, dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function openOrExplain(open: () => Ledger, file: string, mode: 'read' | 'write'): Ledger {
  try {
    return open();
  } catch (err) {
    throw explain(err, file, mode);
  }
}

function explain(err: unknown, file: string, mode: 'read' | 'write'): UserError | unknown {
  if (err instanceof UserError) return err;
  if (err instanceof NativeMissingError) return new UserError(err.message, 'run `agent-warden doctor --install` (or `npm install` in a checkout)');
  return environmentError(err, { file, mode }) ?? err;
}

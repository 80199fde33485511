// Opening the ledger: one SQLite file per user, WAL so hooks of parallel agents can write at once,
// a busy timeout so they wait instead of failing, files readable by the user alone.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { trace } from '../runtime/log';
import { ledgerPath } from '../runtime/paths';
import { inodeOf, isCorruption, moveAside, noteOpened } from './corrupt';
import { refuseStateSymlinks, tightenMode } from '../runtime/state-paths';
import { latestVersion, migrations } from './migrations';
import { openDatabase, type SqliteDb } from './driver';
import { sleepSync } from '../runtime/sleep';

export type Ledger = SqliteDb;
export { NativeMissingError } from './driver-better';

export interface OpenOptions {
  path?: string;
  readonly?: boolean;
  busyTimeoutMs?: number;
}

// Each busy wait costs up to the busy timeout; retries stop at this total so a hook under a held
// lock gives up (and spools) well within its own timeout.
const OPEN_RETRY_BUDGET_MS = 2000;

export function openLedger(opts: OpenOptions = {}, afterMovingAside = false): Ledger {
  const file = opts.path ?? ledgerPath();
  // umask covers the -wal and -shm files SQLite creates beside the database, too.
  const previousMask = process.umask(0o077);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    refuseStateSymlinks(file); // issue 15: never open the ledger through a planted link
    if (opts.readonly && !existsSync(file)) {
      // A reader must never create the ledger; an empty in-memory one answers "nothing yet".
      const db = openDatabase(':memory:');
      migrate(db);
      return db;
    }
    const inode = inodeOf(file);
    // Either driver (driver.ts): node:sqlite where Node has it, better-sqlite3 otherwise.
    const db = openDatabase(file, { busyTimeoutMs: opts.busyTimeoutMs ?? 5000, readonly: opts.readonly ?? false });
    noteOpened(db, file, inode); // issue 15: corruption found later moves this very file aside
    if (opts.readonly) return db;
    try {
      secureFile(file);
      const deadline = Date.now() + OPEN_RETRY_BUDGET_MS;
      enableWal(db, deadline);
      db.pragma('synchronous = NORMAL');
      migrate(db, deadline);
      return db;
    } catch (err) {
      db.close();
      if (!isCorruption(err) || afterMovingAside) throw err;
      const moved = moveAside(file, inode);
      if (moved) trace(`the ledger was unreadable (${(err as Error).message}); moved it to ${moved} and started a new one`);
      return openLedger({ ...opts, path: file }, true);
    }
  } finally {
    process.umask(previousMask);
  }
}

function secureFile(file: string): void {
  try {
    // Only ever tighten: a home the user made 0500 on purpose stays 0500.
    tightenMode(file, 0o600);
    tightenMode(dirname(file), 0o700);
  } catch {
    // Not ours to fix (e.g. a shared directory); doctor reports the modes.
  }
}

// Switching a fresh file to WAL can return SQLITE_BUSY at once, ignoring the busy handler, when
// many hooks create the ledger together; retrying a few times is enough (measured: 0 of 2,240).
function enableWal(db: Ledger, deadline: number): void {
  for (let attempt = 0; ; attempt++) {
    try {
      const mode = db.pragma('journal_mode', { simple: true });
      if (mode === 'wal') return;
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (!isBusy(err) || attempt >= 50 || Date.now() > deadline) throw err;
      sleepSync(5 + attempt * 2);
    }
  }
}

export function migrate(db: Ledger, deadline = Infinity): void {
  if (db.pragma('user_version', { simple: true }) === latestVersion) return;
  for (let attempt = 0; ; attempt++) {
    try {
      db.transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        for (const m of migrations) if (m.version > current) db.exec(m.sql);
        db.pragma(`user_version = ${latestVersion}`);
      }).immediate();
      return;
    } catch (err) {
      if (!isBusy(err) || attempt >= 50 || Date.now() > deadline) throw err;
      sleepSync(5 + attempt * 2);
    }
  }
}

export function schemaVersion(db: Ledger): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function isBusy(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}


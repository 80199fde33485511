// A ledger SQLite cannot read (not a database, a corrupt header or schema, or damaged pages that a
// statement reaches long after a successful open) would make every hook spool forever. It is
// moved aside as ledger.db.corrupt-<time>, never deleted (`sqlite3 <file> .recover` may save its
// events), and a new ledger starts; doctor lists the moved files, and `doctor --fix` does the same
// on demand when quick_check finds damage no write has reached yet.
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB');
}

/** The file's inode, to make sure we move the file we found damaged and not a fresh one. */
export function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

/** Moves the damaged ledger (and its -wal/-shm) aside; undefined when another process did it first. */
export function moveAside(file: string, inode: number | undefined, now = Date.now()): string | undefined {
  if (inode === undefined || inodeOf(file) !== inode) return undefined;
  const target = `${file}.corrupt-${now}`;
  try {
    renameSync(file, target);
  } catch {
    return undefined;
  }
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) {
      try {
        renameSync(file + suffix, target + suffix);
      } catch {
        // the main file is what matters
      }
    }
  }
  return target;
}

export function movedAsideFiles(file: string): string[] {
  try {
    const prefix = `${basename(file)}.corrupt-`;
    return readdirSync(dirname(file))
      .filter((f) => f.startsWith(prefix) && !f.endsWith('-wal') && !f.endsWith('-shm'))
      .map((f) => join(dirname(file), f));
  } catch {
    return [];
  }
}

/** Which file (and inode, taken before opening) each open ledger handle is on. */
const opened = new WeakMap<object, { file: string; inode: number | undefined }>();

/** Called by openLedger: lets a later SQLITE_CORRUPT move aside the very file this handle opened. */
export function noteOpened(db: object, file: string, inode: number | undefined): void {
  opened.set(db, { file, inode });
}

/**
 * Closes a handle that hit SQLITE_CORRUPT/NOTADB and moves its file aside. Undefined when another
 * process got there first (the file at that path is already a different one) or the handle is unknown.
 */
export function moveAsideOpened(db: { close(): unknown }, now = Date.now()): string | undefined {
  const where = opened.get(db);
  try {
    db.close();
  } catch {
    // closing a damaged handle may fail; the file is what matters
  }
  return where ? moveAside(where.file, where.inode, now) : undefined;
}

/** `PRAGMA quick_check` as one line: 'ok', or the first problems SQLite lists. */
export function quickCheck(db: { pragma(sql: string): unknown }): string {
  try {
    const rows = db.pragma('quick_check(5)') as Array<Record<string, string>>;
    const lines = rows.map((r) => Object.values(r)[0] ?? '');
    return lines.length === 1 && lines[0] === 'ok' ? 'ok' : lines.join('; ');
  } catch (err) {
    return (err as Error).message;
  }
}

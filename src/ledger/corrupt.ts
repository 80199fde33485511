// A ledger SQLite cannot read at all (not a database, corrupt header or schema) would make every
// hook spool forever. It is moved aside as ledger.db.corrupt-<time>, never deleted (`sqlite3
// <file> .recover` may save its events), and a new ledger starts; doctor lists the moved files.
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

// agent-warden's own state (the home, the ledger and its -wal/-shm, the spool, warden.log) is only
// ever kept in real files and folders: a symlink planted at one of these names would make us write
// (or chmod) whatever it points at. Modes are only ever tightened, never loosened.
import { chmodSync, lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { refuseSymlink } from './safe-file';

/** Throws (naming the path) when the ledger file, its companions or its folder is a symlink. */
export function refuseStateSymlinks(ledgerFile: string): void {
  for (const p of [dirname(ledgerFile), ledgerFile, `${ledgerFile}-wal`, `${ledgerFile}-shm`]) refuseSymlink(p);
}

/** Removes permission bits beyond `max`; never adds any (a deliberately stricter mode stays). */
export function tightenMode(path: string, max: number): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  const mode = stat.mode & 0o777;
  if ((mode & ~max) !== 0) chmodSync(path, mode & max);
}

// The curator's state lives in the project, in .claude/agents-extended/.agent-warden/: the journal
// of an apply in progress, the manifest of the original layout, and when each agent arrived. It sits
// next to the files it describes so that whichever process next touches the project (CLI, watcher,
// another session) finds it, it works without the ledger, and it leaves with the project when the
// project is moved or deleted. A `.gitignore` of `*` keeps it out of the user's commits.
// A repository can ship any of these folders as a symlink out of the project: the state folder and
// every folder on the way to it must be real folders, or nothing is written at all.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { readRegularFile } from '../../runtime/safe-file';
import { STATE_DIR, UnsafePathError, type ProjectLayout } from './layout';
import { pidAlive } from './lock';

/** Creates the state folder (and the folders on the way) without walking through a symlink. */
export function ensureStateDir(layout: ProjectLayout): string {
  let dir = layout.project;
  for (const part of STATE_DIR.split('/')) {
    dir = join(dir, part);
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) mkdirSync(dir);
    else if (stat.isSymbolicLink()) throw new UnsafeStatePathError(dir, `is a symlink (to ${safeReadlink(dir)})`);
    else if (!stat.isDirectory()) throw new UnsafeStatePathError(dir, 'is not a folder');
  }
  const ignore = join(layout.state, '.gitignore');
  try {
    writeFileSync(ignore, '*\n', { flag: 'wx' });
  } catch {
    // Already there.
  }
  return layout.state;
}

/** A state path that is a symlink or not a folder: the curator stops before touching anything. */
export class UnsafeStatePathError extends UnsafePathError {
  constructor(path: string, why: string) {
    super(path, why);
    this.name = 'UnsafeStatePathError';
    this.message = `${path} ${why}: agent-warden never writes through symlinks in a project, so nothing was written, overwritten or deleted where it points. Replace it with a real folder (or remove it) and run again`;
  }
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

/** Write-then-rename, with fsyncs, so a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'wx', 0o644); // wx: never through a link planted at the name
  try {
    writeFileSync(fd, JSON.stringify(value, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(dirname(file));
}

/** A state file exists but cannot be read; the curator stops rather than guess. */
export class CorruptStateError extends Error {
  constructor(file: string, detail: string) {
    super(`${file} is unreadable (${detail}); nothing was moved`);
    this.name = 'CorruptStateError';
  }
}

export type ReadResult<T> = { state: 'missing' } | { state: 'ok'; value: T } | { state: 'corrupt'; error: string };

export function readJson<T>(file: string, schema: z.ZodMiniType<T>): ReadResult<T> {
  let text: string;
  try {
    // A FIFO or a link planted at a state file's name is not ours: refused, never followed.
    text = readRegularFile(file, { maxBytes: MAX_STATE_BYTES, noFollow: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'corrupt', error: (err as Error).message };
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { state: 'ok', value: parsed.data };
    return { state: 'corrupt', error: z.prettifyError(parsed.error) };
  } catch (err) {
    return { state: 'corrupt', error: (err as Error).message };
  }
}

const MAX_STATE_BYTES = 16 * 1024 * 1024;

// Temp files of writeJsonAtomic (`<name>.<pid>.<rand>.tmp`) and of the lock (`<lock>.<pid>.<rand>`,
// `<lock>.stale.<pid>.<rand>`): a killed run leaves them behind.
const LEFTOVER = /^(?:[\w.-]+\.json|apply\.lock|watch\.lock)\.(?:stale\.)?(\d+)\.[a-z0-9]+(?:\.tmp)?$/;

/**
 * Removes what killed runs left in the state folder: files of a process that is gone, or older
 * than `staleMs` (a pid since reused). Call while holding the apply lock.
 */
export function sweepLeftovers(layout: ProjectLayout, staleMs: number, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(layout.state);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = LEFTOVER.exec(name);
    if (!m) continue;
    const file = join(layout.state, name);
    try {
      const stat = statSync(file);
      if (pidAlive(Number(m[1])) && now - stat.mtimeMs <= staleMs) continue;
      rmSync(file, { force: true });
      removed.push(name);
    } catch {
      // gone already
    }
  }
  return removed;
}

export function removeFile(file: string): void {
  rmSync(file, { force: true });
  syncDir(dirname(file));
}

/** Makes a rename or unlink in `dir` durable; best effort where directories cannot be opened. */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported on every platform and filesystem; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

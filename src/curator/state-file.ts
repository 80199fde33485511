// The curator's state lives in the project, in .claude/agents-extended/.agent-warden/: the journal
// of an apply in progress, the manifest of the original layout, and when each agent arrived. It sits
// next to the files it describes so that whichever process next touches the project (CLI, watcher,
// another session) finds it, it works without the ledger, and it leaves with the project when the
// project is moved or deleted. A `.gitignore` of `*` keeps it out of the user's commits.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { type ProjectLayout } from './layout';

export function ensureStateDir(layout: ProjectLayout): string {
  mkdirSync(layout.state, { recursive: true });
  const ignore = join(layout.state, '.gitignore');
  try {
    writeFileSync(ignore, '*\n', { flag: 'wx' });
  } catch {
    // Already there.
  }
  return layout.state;
}

/** Write-then-rename, with fsyncs, so a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
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
    text = readFileSync(file, 'utf8');
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

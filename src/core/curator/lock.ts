// A lock file holding its owner's pid. It is created with link(2), which fails if the name exists,
// so two processes never both create it. A lock whose pid is gone, or whose heartbeat (mtime) is
// older than `staleMs` (a reused pid, a hung owner), is taken over: renamed aside first, then
// checked to be the very lock we judged stale, so a takeover race cannot delete a live owner's lock.
import { linkSync, renameSync, rmSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { readRegularFile } from '../../runtime/safe-file';
import { hostname } from 'node:os';

export interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

export interface HeldLock {
  file: string;
  refresh(): void;
  release(): void;
}

export type LockAttempt = { ok: true; lock: HeldLock } | { ok: false; owner: LockOwner | undefined };

export function tryLock(file: string, opts: { staleMs: number; now?: () => number }): LockAttempt {
  const now = opts.now ?? Date.now;
  const me: LockOwner = { pid: process.pid, host: hostname(), since: now() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(file, me)) return { ok: true, lock: held(file, me) };
    const current = readOwner(file);
    if (current === 'gone') continue;
    if (!isStale(file, current, opts.staleMs, now())) return { ok: false, owner: current };
    takeOver(file, current);
  }
  const owner = readOwner(file);
  return { ok: false, owner: owner === 'gone' ? undefined : owner };
}

/** Polls for the lock until `waitMs` has passed. */
export async function waitForLock(file: string, opts: { staleMs: number; waitMs: number; pollMs?: number }): Promise<LockAttempt> {
  const deadline = Date.now() + opts.waitMs;
  for (;;) {
    const attempt = tryLock(file, opts);
    if (attempt.ok || Date.now() >= deadline) return attempt;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 50));
  }
}

export function readLockOwner(file: string): LockOwner | undefined {
  const owner = readOwner(file);
  return owner === 'gone' ? undefined : owner;
}

export function isLockLive(file: string, staleMs: number): boolean {
  const owner = readOwner(file);
  return owner !== 'gone' && !isStale(file, owner, staleMs, Date.now());
}

function create(file: string, me: LockOwner): boolean {
  const tmp = `${file}.${me.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, JSON.stringify(me), { flag: 'wx' }); // wx: never through a planted link
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function held(file: string, me: LockOwner): HeldLock {
  return {
    file,
    refresh() {
      const t = new Date();
      try {
        utimesSync(file, t, t);
      } catch {
        // Taken over after we hung: nothing to refresh.
      }
    },
    release() {
      const owner = readOwner(file);
      if (owner !== 'gone' && owner !== undefined && owner.pid === me.pid && owner.since === me.since) rmSync(file, { force: true });
    },
  };
}

/** 'gone' when there is no lock file; undefined when there is one we cannot read (counts as stale). */
function readOwner(file: string): LockOwner | undefined | 'gone' {
  try {
    const owner = JSON.parse(readRegularFile(file, { maxBytes: 64 * 1024, noFollow: true })) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : undefined;
  }
}

function isStale(file: string, owner: LockOwner | undefined, staleMs: number, now: number): boolean {
  if (!owner) return true;
  try {
    if (now - statSync(file).mtimeMs > staleMs) return true;
  } catch {
    return true;
  }
  // Another machine's pid (a shared network folder) cannot be checked: only the heartbeat counts.
  return owner.host === hostname() && !pidAlive(owner.pid);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeOver(file: string, judged: LockOwner | undefined): void {
  const aside = `${file}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readOwner(aside);
  const same = moved === judged || (moved !== 'gone' && moved !== undefined && judged !== undefined && moved.pid === judged.pid && moved.since === judged.since);
  if (!same) {
    // We grabbed a lock created after our check: put it back unless a newer one took its place.
    try {
      linkSync(aside, file);
    } catch {
      // The name is taken again; its owner wins.
    }
  }
  rmSync(aside, { force: true });
}

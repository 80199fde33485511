// The two locks a project has: `apply.lock`, held for one batch of moves (CLI apply, restore, or a
// watcher cycle), and `watch.lock`, held for a watcher's whole life so one watcher runs per project.
import { join } from 'node:path';
import { type ProjectLayout, stateFile } from './layout';
import { type HeldLock, type LockOwner, waitForLock } from './lock';
import { ensureStateDir, sweepLeftovers } from './state-file';

/** A lock whose owner has not refreshed it for this long is taken over (the watcher refreshes every few seconds). */
export const LOCK_STALE_MS = 60_000;

export const applyLockFile = (layout: ProjectLayout) => join(layout.state, stateFile.applyLock);
export const watchLockFile = (layout: ProjectLayout) => join(layout.state, stateFile.watchLock);

export class LockBusyError extends Error {
  constructor(readonly owner: LockOwner | undefined) {
    super(
      owner
        ? `another agent-warden process (pid ${owner.pid}) is moving agents in this project; try again in a moment`
        : 'another agent-warden process is moving agents in this project; try again in a moment',
    );
    this.name = 'LockBusyError';
  }
}

export async function withApplyLock<T>(layout: ProjectLayout, waitMs: number, run: (lock: HeldLock) => T | Promise<T>): Promise<T> {
  ensureStateDir(layout);
  const attempt = await waitForLock(applyLockFile(layout), { staleMs: LOCK_STALE_MS, waitMs });
  if (!attempt.ok) throw new LockBusyError(attempt.owner);
  try {
    sweepLeftovers(layout, LOCK_STALE_MS);
    return await run(attempt.lock);
  } finally {
    attempt.lock.release();
  }
}

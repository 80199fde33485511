// Keeps a project's layout following its plan: re-plans and applies after any change to either
// agent folder, or to the project's dispatch history in the ledger, once things have been quiet for
// `quietMs`. One watcher per project (watch.lock); it exits after core.idle_minutes without changes.
// A kill at any moment is safe: the lock goes stale with its pid, and the next start rolls back a
// half-done batch from the journal before planning again.
import type { SqliteDb as Database } from '../../ledger/driver';
import { mkdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Config } from '../../runtime/config/schema';
import { type ApplyOutcome, applyProject } from './curate';
import { type ProjectLayout, projectLayout } from './layout';
import { type HeldLock, type LockOwner, tryLock } from './lock';
import { LOCK_STALE_MS, watchLockFile } from './project-locks';
import { ensureStateDir } from './state-file';
import { usageSignature } from './usage';

export interface WatchOptions {
  project: string;
  /** Read on every cycle, so config edits apply without a restart. */
  loadConfig: () => Config;
  openLedger?: () => Database | undefined;
  userDir?: string;
  /** See CurateInput.pluginHome. */
  pluginHome?: string;
  tokenCacheFile?: string | false;
  /** Quiet time after the last change before re-planning. */
  quietMs?: number;
  /** How often the ledger is checked for new dispatches (and the lock's heartbeat refreshed). */
  pollMs?: number;
  /** Overrides core.idle_minutes. */
  idleMs?: number;
  log?: (line: string) => void;
  onCycle?: (outcome: ApplyOutcome | { error: string }) => void;
}

export type WatchExit = 'idle' | 'stopped';

export interface Watcher {
  done: Promise<WatchExit>;
  stop(): Promise<void>;
  /** Applies right away, without waiting for quiet. */
  runNow(): Promise<void>;
}

export type StartResult = { started: true; watcher: Watcher } | { started: false; owner: LockOwner | undefined };

// Our own moves show up as file events a moment later; they are not the user's changes.
const SELF_EVENT_WINDOW_MS = 3_000;

export async function startWatcher(opts: WatchOptions): Promise<StartResult> {
  const layout = projectLayout(opts.project);
  ensureStateDir(layout);
  mkdirSync(layout.core, { recursive: true });
  const attempt = tryLock(watchLockFile(layout), { staleMs: LOCK_STALE_MS });
  if (!attempt.ok) return { started: false, owner: attempt.owner };
  try {
    return { started: true, watcher: await watchLocked(opts, layout, attempt.lock) };
  } catch (err) {
    attempt.lock.release();
    throw err;
  }
}

async function watchLocked(opts: WatchOptions, layout: ProjectLayout, lock: HeldLock): Promise<Watcher> {
  const log = opts.log ?? (() => {});
  const quietMs = opts.quietMs ?? 1_000;
  const pollMs = opts.pollMs ?? 2_000;
  // The last config a cycle loaded successfully; a broken config file must not kill the watcher.
  let config: Config | undefined;
  const idleMs = () => opts.idleMs ?? (config?.core.idle_minutes ?? 30) * 60_000;

  let ledger: Database | undefined;
  let ledgerError: string | undefined;
  try {
    ledger = opts.openLedger?.();
    if (!ledger) ledgerError = 'no ledger yet';
  } catch (err) {
    ledgerError = (err as Error).message;
  }

  let lastActivity = Date.now();
  let lastSignature = signature(ledger, opts.project);
  let quietTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  let stopped = false;
  const selfEvents = new Map<string, number>();
  let finish: (exit: WatchExit) => void = () => {};
  const done = new Promise<WatchExit>((resolve) => (finish = resolve));

  const cycle = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      dirty = true;
      return running;
    }
    running = (async () => {
      try {
        config = opts.loadConfig();
        const outcome = await applyProject(opts.project, {
          config,
          ledger,
          ledgerError,
          userDir: opts.userDir,
          pluginHome: opts.pluginHome,
          tokenCacheFile: opts.tokenCacheFile,
          waitMs: 5_000,
        });
        const until = Date.now() + SELF_EVENT_WINDOW_MS;
        for (const move of outcome.applied?.moved ?? []) {
          selfEvents.set(join(opts.project, move.from), until);
          selfEvents.set(join(opts.project, move.to), until);
        }
        if (outcome.recovered) log(`rolled back an interrupted apply (${outcome.recovered.rolledBack} moves undone)`);
        if (outcome.skipped) log(`nothing applied: ${outcome.skipped}`);
        else if (outcome.applied && outcome.applied.moved.length > 0) {
          const { moved } = outcome.applied;
          const { before, after } = outcome.planned.plan;
          log(`moved ${moved.length} agent${moved.length === 1 ? '' : 's'}; listing ${before.tokens} -> ${after.tokens} tokens per request`);
        }
        scheduleGraceExpiry(outcome);
        opts.onCycle?.(outcome);
      } catch (err) {
        log(`apply failed: ${(err as Error).message}`);
        opts.onCycle?.({ error: (err as Error).message });
      }
    })();
    await running;
    running = undefined;
    if (dirty && !stopped) {
      dirty = false;
      schedule();
    }
  };

  const schedule = () => {
    if (stopped) return;
    clearTimeout(quietTimer);
    quietTimer = setTimeout(() => void cycle(), quietMs);
  };

  // An agent leaving its grace period is a change too, with no file event to announce it.
  const scheduleGraceExpiry = (outcome: ApplyOutcome) => {
    clearTimeout(graceTimer);
    const ends = outcome.planned.ranked.map((a) => a.graceEndsAt).filter((t): t is number => t !== undefined);
    if (ends.length === 0) return;
    const wait = Math.min(...ends) - Date.now() + 1_000;
    if (wait < 2 ** 31 - 1) graceTimer = setTimeout(() => void cycle(), Math.max(wait, 0));
  };

  const onFileEvent = (path: string) => {
    if (!path.endsWith('.md') || path.startsWith(layout.state + sep)) return;
    const selfUntil = selfEvents.get(path);
    if (selfUntil !== undefined) {
      selfEvents.delete(path);
      if (selfUntil >= Date.now()) return;
    }
    lastActivity = Date.now();
    schedule();
  };

  const { watch } = await import('chokidar');
  const fsWatcher = watch([layout.core, layout.extended], {
    ignoreInitial: true,
    ignored: (path: string) => path === layout.state || path.startsWith(layout.state + sep),
  });
  fsWatcher.on('add', onFileEvent).on('change', onFileEvent).on('unlink', onFileEvent);
  fsWatcher.on('error', (err) => log(`file watching error: ${(err as Error).message}`));
  await new Promise<void>((resolve) => fsWatcher.once('ready', () => resolve()));

  const poll = setInterval(() => {
    lock.refresh();
    const now = Date.now();
    for (const [path, until] of selfEvents) if (until < now) selfEvents.delete(path);
    const current = signature(ledger, opts.project);
    if (current !== lastSignature) {
      lastSignature = current;
      lastActivity = now;
      schedule();
    }
    if (!running && now - lastActivity >= idleMs()) void shutdown('idle');
  }, pollMs);

  const shutdown = async (exit: WatchExit) => {
    if (stopped) return;
    stopped = true;
    clearInterval(poll);
    clearTimeout(quietTimer);
    clearTimeout(graceTimer);
    await running;
    await fsWatcher.close();
    try {
      ledger?.close();
    } catch {
      // Already closed by its owner.
    }
    lock.release();
    log(`watcher stopped (${exit})`);
    finish(exit);
  };

  await cycle();
  log(`watching ${layout.core} and ${layout.extended}`);
  return { done, stop: () => shutdown('stopped'), runNow: () => cycle() };
}

function signature(ledger: Database | undefined, project: string): string {
  if (!ledger) return '';
  try {
    return usageSignature(ledger, project);
  } catch {
    return '';
  }
}

// One curation step, shared by the CLI and the watcher: catalog → usage → rank → select → plan, and
// for apply/restore the same under the project's apply lock, after recovering an interrupted batch.
import type { SqliteDb as Database } from '../../ledger/driver';
import type { Config } from '../../runtime/config/schema';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { claudeDirCreatedByCurator, removeDirIfEmpty, restoreSettings, type SettingsRestore } from './agent-rules';
import { applyPlan, type ApplyResult } from './apply';
import { type Catalog, buildCatalog } from './catalog';
import { hasJournal, type RecoveryReport, recoverInterrupted } from './journal';
import { projectLayout } from './layout';
import { isLockLive, readLockOwner } from './lock';
import { type Plan, planMoves } from './plan';
import { LOCK_STALE_MS, watchLockFile, withApplyLock } from './project-locks';
import { type RankedAgent, rankAgents } from './rank';
import { type RestoreResult, removeStateDir, restoreLayout } from './restore';
import { type SeenState, observeArrivals, readSeen } from './seen';
import { selectCore } from './select';
import { type AgentUsage, readUsage } from './usage';

export interface CurateInput {
  config: Config;
  /** The ledger; undefined when it could not be opened (then nothing is moved). */
  ledger?: Database;
  /** Why the ledger could not be opened, for the messages. */
  ledgerError?: string;
  now?: number;
  /** Also read the user's agents folder (listed by Claude Code; hidden per project, never moved). */
  userDir?: string;
  /** The user's home: also read the enabled plugins' agents (hidden per project, never edited). */
  pluginHome?: string;
  /** See CatalogOptions.tokenCacheFile. */
  tokenCacheFile?: string | false;
}

export interface UsageReadout {
  available: boolean;
  error?: string;
  byAgent: Map<string, AgentUsage>;
}

export interface ProjectPlan {
  plan: Plan;
  catalog: Catalog;
  ranked: RankedAgent[];
  usage: UsageReadout;
  /** The arrival record to save if this plan is applied. */
  seen: SeenState;
  /** An interrupted apply is waiting to be rolled back; the plan describes the half-moved layout. */
  pendingRecovery: boolean;
}

/** Read-only: what apply would do now. */
export function planProject(project: string, input: CurateInput): ProjectPlan {
  const now = input.now ?? Date.now();
  const { config } = input;
  const layout = projectLayout(project);
  const catalog = buildCatalog(project, { userDir: input.userDir, pluginHome: input.pluginHome, tokenCacheFile: input.tokenCacheFile });
  const usage = loadUsage(input, project, now);
  const { arrivals, next } = observeArrivals(readSeen(layout), catalog.entries, now);
  const ranked = rankAgents(catalog.entries, { config, now, usage: usage.byAgent, arrivals });
  const plan = planMoves(catalog, selectCore(catalog.entries, ranked, config));
  if (!usage.available) plan.warnings.unshift(`usage history unavailable (${usage.error}); apply will not move anything`);
  const pendingRecovery = hasJournal(layout);
  if (pendingRecovery) plan.warnings.unshift('an earlier apply was interrupted; the next apply rolls it back first');
  return { plan, catalog, ranked, usage, seen: next, pendingRecovery };
}

export interface ApplyOutcome {
  recovered?: RecoveryReport;
  planned: ProjectPlan;
  applied?: ApplyResult;
  /** Why nothing was applied. */
  skipped?: string;
}

export async function applyProject(project: string, input: CurateInput & { waitMs?: number }): Promise<ApplyOutcome> {
  const layout = projectLayout(project);
  const claudeDirExisted = existsSync(join(project, '.claude'));
  return withApplyLock(layout, input.waitMs ?? 10_000, () => {
    const recovered = recoverInterrupted(layout);
    const now = input.now ?? Date.now();
    const planned = planProject(project, { ...input, now });
    if (!planned.usage.available) return { recovered, planned, skipped: `usage history unavailable (${planned.usage.error})` };
    const applied = applyPlan(layout, planned.plan, planned.catalog, planned.seen, now, claudeDirExisted);
    return { recovered, planned, applied };
  });
}

export class WatcherRunningError extends Error {
  constructor(readonly pid: number | undefined) {
    super(
      `a curator watcher (pid ${pid ?? '?'}) is running for this project and would undo the restore; ` +
        'stop it (kill it, or set core.auto to false and wait for it to go idle), then run restore again',
    );
    this.name = 'WatcherRunningError';
  }
}

export interface RestoreOutcome {
  recovered?: RecoveryReport;
  result: RestoreResult;
  /** What became of settings.local.json (the deny rules that hid user and plugin agents). */
  settings: SettingsRestore;
}

export async function restoreProject(project: string, opts: { now?: number; waitMs?: number } = {}): Promise<RestoreOutcome> {
  const layout = projectLayout(project);
  const watchLock = watchLockFile(layout);
  if (isLockLive(watchLock, LOCK_STALE_MS) && readLockOwner(watchLock)?.pid !== process.pid) {
    throw new WatcherRunningError(readLockOwner(watchLock)?.pid);
  }
  let removeClaudeDir = false;
  const outcome = await withApplyLock(layout, opts.waitMs ?? 10_000, () => {
    const recovered = recoverInterrupted(layout);
    removeClaudeDir = claudeDirCreatedByCurator(layout);
    const settings = restoreSettings(layout);
    const result = restoreLayout(layout, opts.now ?? Date.now());
    if (settings.action !== 'none' && settings.action !== 'refused') result.neverApplied = false;
    return { recovered, result, settings };
  });
  if (outcome.result.refused.length === 0 && outcome.settings.action !== 'refused') {
    removeStateDir(layout, outcome.result.extendedExisted);
    if (removeClaudeDir) removeDirIfEmpty(join(project, '.claude'));
  }
  return outcome;
}

function loadUsage({ ledger, ledgerError, config }: CurateInput, project: string, now: number): UsageReadout {
  if (!ledger) return { available: false, error: ledgerError ?? 'the ledger could not be opened', byAgent: new Map() };
  try {
    return { available: true, byAgent: readUsage(ledger, project, now, { halfLifeDays: config.core.half_life_days }) };
  } catch (err) {
    return { available: false, error: `reading dispatches failed: ${(err as Error).message}`, byAgent: new Map() };
  }
}

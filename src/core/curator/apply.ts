// Carries out a plan: manifest first (so restore always knows the original layout), then the journal,
// then the moves, then the journal is cleared. Run it only while holding the apply lock, after
// recoverInterrupted(); ./curate.ts does both.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from './catalog';
import { clearJournal, writeJournal } from './journal';
import { type ProjectLayout, stateFile } from './layout';
import { initialManifest, readManifest, withMovedFiles, writeManifest } from './manifest';
import { moveAgentFile, syncMoveDirs } from './move';
import type { Move, Plan, VisibilityChange } from './plan';
import { SettingsRefusedError, settingsWriteNeeded, writeHiddenAgents } from './agent-rules';
import { type SeenState, recordPlacements, writeSeen } from './seen';
import { CorruptStateError, ensureStateDir } from './state-file';

export interface ApplyResult {
  moved: Move[];
  /** User and plugin agents now hidden from (or shown again in) the listing. */
  visibility: VisibilityChange[];
  /** Why the deny rules could not be written (the file is unsafe or not valid JSON); nothing was hidden. */
  settingsRefused?: string;
  refused: Array<Move & { why: string }>;
  manifestCreated: boolean;
}

export function applyPlan(
  layout: ProjectLayout,
  plan: Plan,
  catalog: Catalog,
  seen: SeenState,
  now: number,
  /** `.claude` existed before this apply (and its lock) created anything in it; restore removes it otherwise. */
  claudeDirExisted = true,
): ApplyResult {
  const result: ApplyResult = { moved: [], visibility: [], refused: [], manifestCreated: false };
  const extendedHadAgents = hasOwnContent(layout.extended);
  ensureStateDir(layout);

  if (plan.moves.length > 0) {
    const manifest = readManifest(layout);
    if (manifest.state === 'corrupt') throw new CorruptStateError(join(layout.state, stateFile.manifest), manifest.error);
    if (manifest.state === 'missing') {
      writeManifest(layout, withMovedFiles(initialManifest(catalog, now, extendedHadAgents), catalog, plan.moves));
      result.manifestCreated = true;
    } else {
      writeManifest(layout, withMovedFiles(manifest.value, catalog, plan.moves));
    }
    writeJournal(layout, { version: 1, kind: 'apply', pid: process.pid, startedAt: now, moves: plan.moves.map(({ from, to }) => ({ from, to })) });
    for (const move of plan.moves) {
      const outcome = moveAgentFile(layout.project, move.from, move.to);
      if (outcome.ok) result.moved.push(move);
      else result.refused.push({ ...move, why: outcome.why });
    }
    syncMoveDirs(layout.project, result.moved);
    clearJournal(layout);
  }
  if (settingsWriteNeeded(layout, plan.hiddenAfter)) {
    try {
      // The journal holds the file's bytes before the write: a crash in between is rolled back like a move.
      writeHiddenAgents(layout, plan.hiddenAfter, (before) =>
        writeJournal(layout, { version: 1, kind: 'apply', pid: process.pid, startedAt: now, moves: [], settingsBefore: before }),
        claudeDirExisted,
      );
      clearJournal(layout);
      result.visibility = plan.visibility;
    } catch (err) {
      if (!(err instanceof SettingsRefusedError)) throw err;
      clearJournal(layout);
      result.settingsRefused = err.message;
    }
  }
  writeSeen(layout, recordPlacements(seen, result.moved));
  return result;
}

/** Whether the extended folder holds anything besides the curator's own state. */
function hasOwnContent(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name !== '.agent-warden');
  } catch {
    return false;
  }
}

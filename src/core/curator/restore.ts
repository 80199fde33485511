// Puts every file the curator ever moved back where it was before the curator first moved it, using
// the manifest: a file missing from its original path is looked for at the mirrored path in the
// other folder and moved back (never over an existing file). Folders the curator created are
// removed once empty, and so is its state, so the project ends exactly as it started. Files added
// since are left where they are. Run it while holding the apply lock, after recoverInterrupted().
import { lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { clearJournal, writeJournal } from './journal';
import { CORE_DIR, EXTENDED_DIR, type ProjectLayout, mirrorPath, resolveAgentPath, stateFile } from './layout';
import { LOCK_STALE_MS } from './project-locks';
import { isLockLive } from './lock';
import { readManifest } from './manifest';
import { moveAgentFile, syncMoveDirs } from './move';
import { CorruptStateError } from './state-file';

export interface RestoreResult {
  neverApplied: boolean;
  /** The extended folder held agents before the curator; if not, it goes once empty. */
  extendedExisted: boolean;
  restored: Array<{ from: string; to: string }>;
  alreadyInPlace: number;
  /** Original paths found in neither folder (deleted since). */
  missing: string[];
  refused: Array<{ from: string; to: string; why: string }>;
}

export function restoreLayout(layout: ProjectLayout, now: number): RestoreResult {
  const read = readManifest(layout);
  const result: RestoreResult = { neverApplied: false, extendedExisted: true, restored: [], alreadyInPlace: 0, missing: [], refused: [] };
  if (read.state === 'missing') {
    // Nothing was ever moved; only the arrival record (from an apply with no moves) may be left.
    rmSync(join(layout.state, stateFile.seen), { force: true });
    return { ...result, neverApplied: true, extendedExisted: false };
  }
  if (read.state === 'corrupt') throw new CorruptStateError(join(layout.state, stateFile.manifest), read.error);
  const manifest = read.value;
  result.extendedExisted = manifest.extendedExisted;

  const original = new Set(manifest.files.map((f) => f.path));
  const moves: Array<{ from: string; to: string }> = [];
  const exists = (rel: string) => lstatSync(resolveAgentPath(layout.project, rel).abs, { throwIfNoEntry: false }) !== undefined;
  for (const { path } of manifest.files) {
    const mirror = mirrorPath(layout.project, path);
    // A file that was originally at the mirror path is not ours to move.
    const movedCopy = !original.has(mirror) && exists(mirror);
    if (exists(path)) {
      if (movedCopy) result.refused.push({ from: mirror, to: path, why: 'its original place is taken by another file' });
      else result.alreadyInPlace++;
    } else if (movedCopy) {
      moves.push({ from: mirror, to: path });
    } else {
      result.missing.push(path);
    }
  }

  if (moves.length > 0) {
    writeJournal(layout, { version: 1, kind: 'restore', pid: process.pid, startedAt: now, moves });
    for (const move of moves) {
      const outcome = moveAgentFile(layout.project, move.from, move.to);
      if (outcome.ok) result.restored.push(move);
      else result.refused.push({ ...move, why: outcome.why });
    }
    syncMoveDirs(layout.project, result.restored);
    clearJournal(layout);
  }

  if (result.refused.length === 0) {
    removeCreatedDirs(layout, new Set(manifest.dirs));
    rmSync(join(layout.state, stateFile.manifest), { force: true });
    rmSync(join(layout.state, stateFile.seen), { force: true });
  }
  return result;
}

/** Removes the curator's state folder, and the extended folder if the curator created it (call after releasing locks). */
export function removeStateDir(layout: ProjectLayout, extendedExisted: boolean): void {
  rmSync(join(layout.state, '.gitignore'), { force: true });
  for (const lock of [stateFile.watchLock, stateFile.applyLock]) {
    const file = join(layout.state, lock);
    if (!isLockLive(file, LOCK_STALE_MS)) rmSync(file, { force: true });
  }
  try {
    rmdirSync(layout.state);
    if (!extendedExisted) rmdirSync(layout.extended);
  } catch {
    // Not empty (a lock someone just took, a file the user put there): leave it.
  }
}

function removeCreatedDirs(layout: ProjectLayout, originalDirs: Set<string>): void {
  const roots: Array<[string, string]> = [
    [layout.core, CORE_DIR],
    [layout.extended, EXTENDED_DIR],
  ];
  for (const [root, rel] of roots) {
    const dirs: string[] = [];
    collectDirs(root, rel, dirs);
    for (const dir of dirs.sort((a, b) => b.length - a.length)) {
      // The extended folder itself goes with the state folder, in removeStateDir.
      if (dir === EXTENDED_DIR || originalDirs.has(dir)) continue;
      try {
        rmdirSync(join(layout.project, ...dir.split('/')));
      } catch {
        // Not empty: the user keeps something there.
      }
    }
  }
}

function collectDirs(dir: string, rel: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  out.push(rel);
  for (const entry of entries) {
    if (entry.isDirectory() && !(rel === EXTENDED_DIR && entry.name === '.agent-warden')) collectDirs(join(dir, entry.name), `${rel}/${entry.name}`, out);
  }
}

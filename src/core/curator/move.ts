// Moving one agent file between the two agent folders, refusing anything unsafe: paths outside the
// folders, symlinks (the file itself, a folder on the way, or a redirected agent folder), and an
// existing target. The move is link-then-unlink: link(2) fails if the target exists, so a file the
// user created there in the meantime is never overwritten, and at every instant the agent exists
// whole under at least one name. Filesystems without hard links fall back to check-then-rename.
import { linkSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { type ProjectTier, UnsafePathError, resolveAgentPath, tierDir } from './layout';
import { syncDir } from './state-file';

/**
 * Makes a batch's renames durable before its journal is cleared: one fsync per folder touched,
 * not two per move. (Until then the journal covers them: recovery checks each move on disk.)
 */
export function syncMoveDirs(project: string, moves: ReadonlyArray<{ from: string; to: string }>): void {
  const dirs = new Set<string>();
  for (const move of moves) {
    for (const rel of [move.from, move.to]) {
      try {
        dirs.add(dirname(resolveAgentPath(project, rel).abs));
      } catch {
        // A refused path moved nothing.
      }
    }
  }
  for (const dir of dirs) syncDir(dir);
}

export type MoveOutcome = { ok: true } | { ok: false; why: string };

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS', 'EACCES']);

export function moveAgentFile(project: string, fromRel: string, toRel: string): MoveOutcome {
  try {
    const from = resolveAgentPath(project, fromRel);
    const to = resolveAgentPath(project, toRel);
    if (from.tier === to.tier) return { ok: false, why: 'source and target are in the same folder' };
    const fromRoot = realTierRoot(project, from.tier, false);
    const toRoot = realTierRoot(project, to.tier, true);

    const source = lstatSync(from.abs, { throwIfNoEntry: false });
    if (!source) return { ok: false, why: 'the source file is gone' };
    if (source.isSymbolicLink()) return { ok: false, why: 'the source is a symlink' };
    if (!source.isFile()) return { ok: false, why: 'the source is not a regular file' };
    const fromDir = join(fromRoot, ...dirname(from.relInTier).split('/').filter((s) => s !== '.'));
    if (realpathSync(dirname(from.abs)) !== fromDir) {
      return { ok: false, why: 'a folder on the way to the source is a symlink' };
    }
    makeRealDirs(toRoot, dirname(to.relInTier));
    if (lstatSync(to.abs, { throwIfNoEntry: false })) return { ok: false, why: 'a file already exists at the target' };

    try {
      linkSync(from.abs, to.abs);
      unlinkSync(from.abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return { ok: false, why: 'a file already exists at the target' };
      if (!NO_HARD_LINKS.has(code)) throw err;
      if (lstatSync(to.abs, { throwIfNoEntry: false })) return { ok: false, why: 'a file already exists at the target' };
      renameSync(from.abs, to.abs);
    }
    pruneEmptyDirs(fromRoot, fromDir);
    return { ok: true };
  } catch (err) {
    if (err instanceof UnsafePathError || err instanceof RedirectedFolderError) return { ok: false, why: err.message };
    return { ok: false, why: (err as Error).message };
  }
}

class RedirectedFolderError extends Error {}

/** The tier folder's real path; refuses when it (or `.claude`) is a symlink out of the project. */
function realTierRoot(project: string, tier: ProjectTier, create: boolean): string {
  const expected = join(realpathSync(project), ...tierDir[tier].split('/'));
  if (create) makeRealDirs(realpathSync(project), tierDir[tier]);
  const real = realpathSync(join(project, ...tierDir[tier].split('/')));
  if (real !== expected) throw new RedirectedFolderError(`${tierDir[tier]} is a symlink to ${real}`);
  return real;
}

/** mkdir -p that refuses to walk through a symlink (mkdir -p would follow one and write elsewhere). */
function makeRealDirs(root: string, rel: string): void {
  let dir = root;
  for (const part of rel.split('/').filter((p) => p !== '' && p !== '.')) {
    dir = join(dir, part);
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) mkdirSync(dir);
    else if (stat.isSymbolicLink()) throw new RedirectedFolderError(`${dir} is a symlink`);
    else if (!stat.isDirectory()) throw new RedirectedFolderError(`${dir} is not a folder`);
  }
}

/** Removes folders the move left empty, up to (not including) the tier folder. */
export function pruneEmptyDirs(root: string, dir: string): void {
  let current = dir;
  while (current !== root && !relative(root, current).startsWith('..') && current.startsWith(root + sep)) {
    try {
      if (readdirSync(current).length > 0) return;
      rmdirSync(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}

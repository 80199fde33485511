// Where the curator's files live in a project. Core agents stay where Claude Code lists them; the rest
// move to a sibling folder at the same relative path, so a move is always between two mirrored paths.
// The curator's own state sits beside the extended agents (see state-dir notes in ./state-file.ts).
import { homedir } from 'node:os';
import { isAbsolute, join, posix, sep } from 'node:path';

/** core/extended: the project's folders; user: ~/.claude/agents; plugin: an enabled plugin's agents (`<plugin>:<name>`). */
export type Tier = 'core' | 'extended' | 'user' | 'plugin';
export type ProjectTier = Exclude<Tier, 'user' | 'plugin'>;
/** Agents listed from outside the project: never moved, only hidden per project by a deny rule (./agent-rules.ts). */
export const isOutsideTier = (tier: Tier): tier is 'user' | 'plugin' => tier === 'user' || tier === 'plugin';

export const CORE_DIR = posix.join('.claude', 'agents');
export const EXTENDED_DIR = posix.join('.claude', 'agents-extended');
export const STATE_DIR = posix.join(EXTENDED_DIR, '.agent-warden');

export const tierDir: Record<ProjectTier, string> = { core: CORE_DIR, extended: EXTENDED_DIR };
export const otherTier: Record<ProjectTier, ProjectTier> = { core: 'extended', extended: 'core' };

export interface ProjectLayout {
  project: string;
  core: string;
  extended: string;
  state: string;
}

export function projectLayout(project: string): ProjectLayout {
  return {
    project,
    core: join(project, CORE_DIR),
    extended: join(project, EXTENDED_DIR),
    state: join(project, STATE_DIR),
  };
}

export const userAgentsDir = (home = homedir()) => join(home, '.claude', 'agents');

/** `.claude/agents/<rel>` for a file at `rel` inside a tier root (posix separators). */
export const projectPath = (tier: ProjectTier, rel: string) => posix.join(tierDir[tier], rel);

export const stateFile = {
  journal: 'journal.json',
  manifest: 'manifest.json',
  seen: 'seen.json',
  watchLock: 'watch.lock',
  applyLock: 'apply.lock',
  settingsOrigin: 'settings-origin.json',
} as const;

export class UnsafePathError extends Error {
  constructor(path: string, why: string) {
    super(`refusing path "${path}": ${why}`);
    this.name = 'UnsafePathError';
  }
}

/**
 * Turns a project-relative path from a plan, journal or manifest into an absolute one, refusing
 * anything that could leave the two agent folders: absolute paths, `..`, empty segments, NUL,
 * backslashes, and files that are not `.md`.
 */
export function resolveAgentPath(project: string, rel: string): { abs: string; tier: ProjectTier; relInTier: string } {
  if (rel.includes('\0')) throw new UnsafePathError(rel, 'contains a NUL byte');
  if (isAbsolute(rel) || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) throw new UnsafePathError(rel, 'is absolute');
  if (rel.includes('\\')) throw new UnsafePathError(rel, 'contains a backslash');
  const segments = rel.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw new UnsafePathError(rel, 'has an empty, "." or ".." segment');
  if (!rel.endsWith('.md')) throw new UnsafePathError(rel, 'is not a .md file');
  for (const tier of ['core', 'extended'] as const) {
    const prefix = tierDir[tier] + '/';
    if (rel.startsWith(prefix) && rel.length > prefix.length) {
      const relInTier = rel.slice(prefix.length);
      if (tier === 'extended' && relInTier.split('/')[0] === '.agent-warden') break; // the curator's state
      return { abs: join(project, ...segments), tier, relInTier };
    }
  }
  throw new UnsafePathError(rel, `is not inside ${CORE_DIR}/ or ${EXTENDED_DIR}/`);
}

/** The same file's path in the other tier. */
export function mirrorPath(project: string, rel: string): string {
  const { tier, relInTier } = resolveAgentPath(project, rel);
  return projectPath(otherTier[tier], relInTier);
}

export const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

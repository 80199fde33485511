// Hiding user and plugin agents from one project's listing. Their files are not ours to move (a
// plugin's are replaced on update; the user's serve every project), but on 2.1.328 a
// `permissions.deny: ["Agent(<type>)"]` rule drops that type from the listing. The curator writes
// such rules into the project's `.claude/settings.local.json` only (never `settings.json`, which is
// shared through git), merged with what the user has there, and keeps the file's original bytes in
// its state folder first, so `core restore` puts it back byte for byte (or removes it if it did not
// exist). A dispatch of a hidden type still reaches it: the PreToolUse hook runs before the deny
// rule is checked and rewrites the call to general-purpose (../discovery/proxy-policy.ts).
// Nothing is ever written through a symlink, and a settings file that is not valid JSON is left alone.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { type ProjectLayout, stateFile } from './layout';
import { readJson, syncDir, writeJsonAtomic } from './state-file';

export const SETTINGS_LOCAL = join('.claude', 'settings.local.json');
const MAX_SETTINGS_BYTES = 1_048_576;

export const agentRule = (type: string) => `Agent(${type})`;

const originSchema = z.object({
  version: z.literal(1),
  /** The file existed before the curator first wrote it; its bytes then, base64. */
  existed: z.boolean(),
  original: z.nullable(z.string()),
  claudeDirExisted: z.boolean(),
  /** The agent types whose deny rules the curator added (and only those: the user's own rules are not ours). */
  hidden: z.array(z.string()),
  /** sha256 of the bytes the curator last wrote: unchanged since means restore may put the original back as is. */
  written: z.string(),
});
export type SettingsOrigin = z.output<typeof originSchema>;

const originFile = (layout: ProjectLayout) => join(layout.state, stateFile.settingsOrigin);
export const settingsFile = (project: string) => join(project, SETTINGS_LOCAL);

/** The agent types the curator hides in this project now (empty when none or unreadable). */
export function hiddenByCurator(layout: ProjectLayout): string[] {
  const read = readJson(originFile(layout), originSchema);
  return read.state === 'ok' ? read.value.hidden : [];
}

export type SettingsRead =
  | { state: 'missing' }
  | { state: 'ok'; bytes: Buffer; value: Record<string, unknown> }
  | { state: 'invalid'; why: string }
  | { state: 'unsafe'; why: string };

/** The project's settings.local.json, refusing symlinks (the file or `.claude`) and anything but a regular file. */
export function readSettingsLocal(project: string): SettingsRead {
  const dir = lstatSync(join(project, '.claude'), { throwIfNoEntry: false });
  if (dir && !dir.isDirectory()) return { state: 'unsafe', why: '.claude is a symlink or not a folder' };
  const file = settingsFile(project);
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return { state: 'missing' };
  if (!stat.isFile()) return { state: 'unsafe', why: `${SETTINGS_LOCAL} is a symlink or not a regular file` };
  if (stat.size > MAX_SETTINGS_BYTES) return { state: 'unsafe', why: `${SETTINGS_LOCAL} is larger than 1 MiB` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return { state: 'unsafe', why: `cannot read ${SETTINGS_LOCAL}: ${(err as Error).message}` };
  }
  try {
    const value = JSON.parse(bytes.toString('utf8'));
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { state: 'invalid', why: `${SETTINGS_LOCAL} is not a JSON object` };
    const perms = (value as Record<string, unknown>).permissions;
    if (perms !== undefined && (typeof perms !== 'object' || perms === null || Array.isArray(perms))) return { state: 'invalid', why: `"permissions" in ${SETTINGS_LOCAL} is not an object` };
    const deny = (perms as Record<string, unknown> | undefined)?.deny;
    if (deny !== undefined && !Array.isArray(deny)) return { state: 'invalid', why: `"permissions.deny" in ${SETTINGS_LOCAL} is not a list` };
    return { state: 'ok', bytes, value };
  } catch (err) {
    return { state: 'invalid', why: `${SETTINGS_LOCAL} is not valid JSON (${(err as Error).message})` };
  }
}

/** Deny rules for agent types in the project's settings.local.json (the user's and the curator's). */
export function deniedAgentTypes(project: string): Set<string> {
  const read = readSettingsLocal(project);
  const out = new Set<string>();
  if (read.state !== 'ok') return out;
  const deny = ((read.value.permissions as Record<string, unknown> | undefined)?.deny as unknown[] | undefined) ?? [];
  for (const rule of deny) {
    const m = typeof rule === 'string' ? /^Agent\(([^()]+)\)$/.exec(rule.trim()) : null;
    if (m) out.add(m[1]!.trim());
  }
  return out;
}

export interface SettingsChange {
  hidden: string[];
  /** The bytes before this write (null: no file), for the journal. */
  before: string | null;
}

/** What writing `hidden` would need; undefined when the file already says exactly that. */
export function settingsWriteNeeded(layout: ProjectLayout, hidden: readonly string[]): boolean {
  const current = new Set(hiddenByCurator(layout));
  return hidden.length !== current.size || hidden.some((t) => !current.has(t));
}

export class SettingsRefusedError extends Error {
  constructor(why: string) {
    super(`${why}; user and plugin agents were not hidden (agent-warden leaves that file alone)`);
    this.name = 'SettingsRefusedError';
  }
}

/**
 * Makes the curator's deny rules in settings.local.json exactly `hidden` (sorted agent types), keeping
 * everything else in the file. Records the original bytes first. Call under the apply lock, with a
 * journal entry holding `before` (see ./apply.ts). Throws SettingsRefusedError when the file is unsafe
 * or not valid JSON.
 */
export function writeHiddenAgents(
  layout: ProjectLayout,
  hidden: readonly string[],
  beforeWrite: (before: string | null) => void,
  /** Whether `.claude` existed before this apply created the curator's state folder in it. */
  claudeDirExisted = true,
): void {
  const read = readSettingsLocal(layout.project);
  if (read.state === 'invalid' || read.state === 'unsafe') throw new SettingsRefusedError(read.why);
  const originRead = readJson(originFile(layout), originSchema);
  let origin: SettingsOrigin;
  if (originRead.state === 'ok') origin = originRead.value;
  else {
    origin = {
      version: 1,
      existed: read.state === 'ok',
      original: read.state === 'ok' ? read.bytes.toString('base64') : null,
      claudeDirExisted,
      hidden: [],
      written: '',
    };
    writeJsonAtomic(originFile(layout), origin);
  }
  const before = read.state === 'ok' ? read.bytes.toString('base64') : null;
  const ours = new Set(origin.hidden.map(agentRule));
  const value: Record<string, unknown> = read.state === 'ok' ? { ...read.value } : {};
  const permissions: Record<string, unknown> = { ...((value.permissions as Record<string, unknown> | undefined) ?? {}) };
  const deny = ((permissions.deny as unknown[] | undefined) ?? []).filter((rule) => !(typeof rule === 'string' && ours.has(rule)));
  const present = new Set(deny.filter((r): r is string => typeof r === 'string'));
  // A rule the user already wrote stays theirs: the curator neither adds a copy nor claims it.
  const added = hidden.filter((type) => !present.has(agentRule(type)));
  permissions.deny = [...deny, ...added.map(agentRule)];
  value.permissions = permissions;

  let bytes: Buffer;
  if (added.length === 0 && origin.original !== null && read.state === 'ok' && sha(read.bytes) === origin.written) {
    // Nothing of ours left and the file is as we left it: give back the user's bytes exactly.
    bytes = Buffer.from(origin.original, 'base64');
  } else {
    bytes = Buffer.from(JSON.stringify(value, null, 2) + '\n');
  }
  beforeWrite(before);
  if (added.length === 0 && !origin.existed && read.state === 'ok' && sha(read.bytes) === origin.written) removeSettings(layout.project);
  else writeSettingsBytes(layout.project, bytes);
  writeJsonAtomic(originFile(layout), { ...origin, hidden: added, written: sha(bytes) });
}

export interface SettingsRestore {
  /** What restore did with settings.local.json. */
  action: 'none' | 'restored' | 'removed' | 'rules-removed' | 'refused';
  why?: string;
}

/** Puts settings.local.json back as it was before the curator first wrote it. Call under the apply lock. */
export function restoreSettings(layout: ProjectLayout): SettingsRestore {
  const originRead = readJson(originFile(layout), originSchema);
  if (originRead.state === 'missing') return { action: 'none' };
  if (originRead.state === 'corrupt') return { action: 'refused', why: `${originFile(layout)} is unreadable (${originRead.error})` };
  const origin = originRead.value;
  const read = readSettingsLocal(layout.project);
  if (read.state === 'unsafe') return { action: 'refused', why: read.why };
  let result: SettingsRestore;
  if (read.state === 'missing' || (read.state === 'ok' && sha(read.bytes) === origin.written)) {
    if (origin.original === null) {
      removeSettings(layout.project);
      result = { action: 'removed' };
    } else {
      writeSettingsBytes(layout.project, Buffer.from(origin.original, 'base64'));
      result = { action: 'restored' };
    }
  } else if (read.state === 'ok') {
    // Edited since the curator wrote it: keep the user's edits, take out only the curator's rules.
    const ours = new Set(origin.hidden.map(agentRule));
    const value = { ...read.value };
    const permissions = { ...(value.permissions as Record<string, unknown>) };
    permissions.deny = ((permissions.deny as unknown[] | undefined) ?? []).filter((rule) => !(typeof rule === 'string' && ours.has(rule)));
    value.permissions = permissions;
    writeSettingsBytes(layout.project, Buffer.from(JSON.stringify(value, null, 2) + '\n'));
    result = { action: 'rules-removed', why: `${SETTINGS_LOCAL} was edited after agent-warden wrote it; only agent-warden's deny rules were taken out` };
  } else {
    return { action: 'refused', why: `${read.why}; agent-warden's deny rules (${origin.hidden.map(agentRule).join(', ')}) are still there` };
  }
  unlinkSync(originFile(layout));
  return result;
}

/** Whether restore should also remove `.claude` (the curator created it, and nothing else is in it). */
export function claudeDirCreatedByCurator(layout: ProjectLayout): boolean {
  const read = readJson(originFile(layout), originSchema);
  return read.state === 'ok' && !read.value.claudeDirExisted;
}

export function removeDirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty or gone.
  }
}

/** Puts bytes back as they were before an interrupted write (journal recovery). */
export function rollbackSettings(project: string, before: string | null): void {
  const read = readSettingsLocal(project);
  if (read.state === 'unsafe') return;
  if (before === null) removeSettings(project);
  else writeSettingsBytes(project, Buffer.from(before, 'base64'));
}

function writeSettingsBytes(project: string, bytes: Buffer): void {
  const dir = join(project, '.claude');
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) mkdirSync(dir);
  else if (!stat.isDirectory()) throw new SettingsRefusedError('.claude is a symlink or not a folder');
  const file = settingsFile(project);
  const existing = lstatSync(file, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) throw new SettingsRefusedError(`${SETTINGS_LOCAL} is a symlink or not a regular file`);
  // A new name in the same folder, created exclusively: rename replaces the file itself, never a link's target.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'wx', existing ? existing.mode & 0o777 : 0o644);
  try {
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(dir);
}

function removeSettings(project: string): void {
  const file = settingsFile(project);
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isFile()) throw new SettingsRefusedError(`${SETTINGS_LOCAL} is a symlink or not a regular file`);
  unlinkSync(file);
  syncDir(join(project, '.claude'));
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// `statusline install` / `uninstall`: put agent-warden's line into Claude Code's user settings
// without losing the user's own. The settings entry points at a launcher under the agent-warden
// home (a path that never changes), which finds the current plugin root at run time: plugin updates
// move the plugin to a new versioned directory. The user's own statusLine is saved and run beside
// ours. The original file is kept byte for byte and put back by uninstall, unless the user changed
// the file since; then only our entry is taken out again.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { wardenHome } from '../runtime/paths';
import { pluginRootFile, rememberPluginRoot } from '../runtime/plugin-root';
import { statuslineDir, userCommandFile } from './run';

export class SettingsError extends Error {}

export const claudeSettingsPath = (env: NodeJS.ProcessEnv) => join(env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude'), 'settings.json');
export const launcherPath = (env: NodeJS.ProcessEnv) => join(statuslineDir(env), 'statusline.sh');
const backupFile = (env: NodeJS.ProcessEnv) => join(statuslineDir(env), 'settings.backup');
const metaFile = (env: NodeJS.ProcessEnv) => join(statuslineDir(env), 'install.json');

interface InstallMeta {
  settings: string;
  existed: boolean;
  /** sha256 of the file as install wrote it: uninstall restores the backup only if it is unchanged. */
  written_sha256: string;
  installed_at: string;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface InstallResult {
  settings: string;
  launcher: string;
  kept_user_command: string | null;
  already: boolean;
}

export function install(env: NodeJS.ProcessEnv, pluginRoot: string): InstallResult {
  const settings = claudeSettingsPath(env);
  const target = existsSync(settings) ? realpathSync(settings) : settings;
  const original = existsSync(target) ? readFileSync(target) : undefined;
  const obj = parseSettings(original, target);
  const launcher = launcherPath(env);
  const command = shellQuote(launcher);
  writeLauncher(env, pluginRoot);
  rememberPluginRoot(env, pluginRoot);
  const current = obj.statusLine as { command?: unknown } | undefined;
  if (current && current.command === command && existsSync(metaFile(env))) return { settings: target, launcher, kept_user_command: savedUserCommand(env), already: true };

  const dir = statuslineDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (original !== undefined) writeFileSync(backupFile(env), original, { mode: 0o600 });
  else rmSync(backupFile(env), { force: true });
  const theirs = current && typeof current === 'object' && typeof current.command === 'string' && current.command !== command ? current : undefined;
  if (theirs) writeFileSync(userCommandFile(env), JSON.stringify({ statusLine: theirs }, null, 2) + '\n', { mode: 0o600 });
  else rmSync(userCommandFile(env), { force: true });

  const next = { ...obj, statusLine: { type: 'command', command, padding: (theirs as { padding?: number } | undefined)?.padding ?? 0 } };
  const text = JSON.stringify(next, null, 2) + '\n';
  mkdirSync(dirname(target), { recursive: true });
  atomicWrite(target, text);
  const meta: InstallMeta = { settings: target, existed: original !== undefined, written_sha256: sha(text), installed_at: new Date().toISOString() };
  writeFileSync(metaFile(env), JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 });
  return { settings: target, launcher, kept_user_command: (theirs?.command as string | undefined) ?? null, already: false };
}

export interface UninstallResult {
  settings: string;
  /** restored: the original bytes are back; removed: the file was changed since, so only our entry went. */
  outcome: 'restored' | 'removed_entry' | 'not_installed';
}

export function uninstall(env: NodeJS.ProcessEnv): UninstallResult {
  const metaText = existsSync(metaFile(env)) ? readFileSync(metaFile(env), 'utf8') : undefined;
  if (!metaText) return { settings: claudeSettingsPath(env), outcome: 'not_installed' };
  const meta = JSON.parse(metaText) as InstallMeta;
  const now = existsSync(meta.settings) ? readFileSync(meta.settings) : undefined;
  let outcome: UninstallResult['outcome'];
  if (now === undefined || sha(now) === meta.written_sha256) {
    if (meta.existed) atomicWrite(meta.settings, readFileSync(backupFile(env)));
    else rmSync(meta.settings, { force: true });
    outcome = 'restored';
  } else {
    const obj = parseSettings(now, meta.settings);
    const saved = savedUserStatusLine(env);
    if (saved) obj.statusLine = saved;
    else delete obj.statusLine;
    atomicWrite(meta.settings, JSON.stringify(obj, null, 2) + '\n');
    outcome = 'removed_entry';
  }
  for (const f of [metaFile(env), backupFile(env), userCommandFile(env)]) rmSync(f, { force: true });
  return { settings: meta.settings, outcome };
}

function parseSettings(bytes: Buffer | undefined, file: string): Record<string, unknown> {
  if (bytes === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new SettingsError(`${file} is not valid JSON (${(err as Error).message}); it was left untouched`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SettingsError(`${file} is not a JSON object; it was left untouched`);
  return v as Record<string, unknown>;
}

function savedUserStatusLine(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  try {
    return (JSON.parse(readFileSync(userCommandFile(env), 'utf8')) as { statusLine?: Record<string, unknown> }).statusLine;
  } catch {
    return undefined;
  }
}

function savedUserCommand(env: NodeJS.ProcessEnv): string | null {
  const s = savedUserStatusLine(env);
  return typeof s?.command === 'string' ? s.command : null;
}

function atomicWrite(file: string, data: string | Buffer): void {
  const tmp = `${file}.agent-warden-${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: existsSync(file) ? lstatSync(file).mode & 0o777 : 0o600 });
  renameSync(tmp, file);
}

/** The launcher: a fixed path for settings.json that runs whichever plugin copy is current. */
function writeLauncher(env: NodeJS.ProcessEnv, pluginRoot: string): void {
  const home = wardenHome(env);
  const script = `#!/bin/sh
# agent-warden status line launcher (written by \`agent-warden statusline install\`).
# Plugin updates move the plugin; the hook records the current root in ${pluginRootFile(env)}.
AGENT_WARDEN_HOME="\${AGENT_WARDEN_HOME:-${home.replace(/["`$\\]/g, '\\$&')}}"; export AGENT_WARDEN_HOME
root=$(cat ${shellQuote(pluginRootFile(env))} 2>/dev/null)
[ -f "$root/dist/statusline.cjs" ] || root=${shellQuote(pluginRoot)}
if [ ! -f "$root/dist/statusline.cjs" ]; then echo 'warden (plugin not found: run agent-warden statusline install)'; exit 0; fi
# Claude Code shows ANSI colours in its status line although our stdout is a pipe.
[ -n "$NO_COLOR" ] || { FORCE_COLOR="\${FORCE_COLOR:-1}"; export FORCE_COLOR; }
exec env -u NODE_EXTRA_CA_CERTS node "$root/dist/statusline.cjs"
`;
  mkdirSync(statuslineDir(env), { recursive: true, mode: 0o700 });
  const file = launcherPath(env);
  atomicWrite(file, script);
  chmodSync(file, 0o700);
}

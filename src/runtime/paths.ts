// Where agent-warden keeps its files. One home per user, overridable for tests and for people
// who keep dotfiles elsewhere; the plugin's data dir (persistent across plugin updates) holds the
// native runtime a marketplace install needs.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { projectEnvVariables } from './config/project-env';
import { readRegularFile } from './safe-file';

/**
 * `AGENT_WARDEN_HOME`, unless only the project's own Claude Code settings set it: their `env` block
 * reaches every hook, and a repository that moved the ledger would start every budget from zero in
 * a ledger of its choosing. Such a value is ignored (and logged in the real home's warden.log);
 * the one in your own `~/.claude/settings.json` `env`, or the default, is used instead.
 */
export function wardenHome(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.AGENT_WARDEN_HOME;
  if (!set) return defaultHome(env);
  const project = env.CLAUDE_PROJECT_DIR;
  if (!project) return set;
  const key = `${set}\u0000${project}\u0000${env.HOME ?? ''}\u0000${env.CLAUDE_CONFIG_DIR ?? ''}`;
  let home = decided.get(key);
  if (home === undefined) {
    const fromProject = projectEnvVariables(project, HOME_VARIABLE).get(HOME_VARIABLE);
    // Your own settings are read only when the project's set this very value (not on every hook).
    const yours = fromProject?.value === set ? userSettingsHome(env) : set;
    home = yours === set ? set : (yours ?? defaultHome(env));
    decided.set(key, home);
    if (home !== set) ignoredHome = { value: set, file: fromProject!.file, used: home };
  }
  return home;
}

const HOME_VARIABLE = 'AGENT_WARDEN_HOME';
const decided = new Map<string, string>();
let ignoredHome: { value: string; file: string; used: string } | undefined;

/** The AGENT_WARDEN_HOME a project's settings set and this process ignored, if any (for doctor and the log). */
export function ignoredProjectHome(): { value: string; file: string; used: string } | undefined {
  return ignoredHome;
}

const defaultHome = (env: NodeJS.ProcessEnv) => join(env.HOME || homedir(), '.claude', 'agent-warden');

/** Your own Claude Code settings' `env.AGENT_WARDEN_HOME` (user scope: `$CLAUDE_CONFIG_DIR` or `~/.claude`). */
function userSettingsHome(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.CLAUDE_CONFIG_DIR?.split(',')[0]?.trim() || join(env.HOME || homedir(), '.claude');
  try {
    const value = (JSON.parse(readRegularFile(join(dir, 'settings.json'), { maxBytes: 1024 * 1024 })) as { env?: Record<string, unknown> })?.env?.[HOME_VARIABLE];
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}

export const ledgerPath = (home = wardenHome()) => join(home, 'ledger.db');
export const spoolDir = (home = wardenHome()) => join(home, 'spool');
/** Hook inputs hooks/session-event.sh left for the next Node process to record (src/hooks/inbox.ts). */
export const inboxDir = (home = wardenHome()) => join(home, 'inbox');
export const logPath = (home = wardenHome()) => join(home, 'warden.log');
export const userConfigPath = (home = wardenHome()) => join(home, 'config.json');
export const projectConfigPath = (projectDir: string) => join(projectDir, '.claude', 'agent-warden.json');

/** Where the native better-sqlite3 build goes in an installed copy (no npm install runs there). */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CLAUDE_PLUGIN_DATA || join(wardenHome(env), 'runtime');
  // The .node file is tied to Node's ABI and platform: a Node upgrade gets its own build.
  return join(base, 'native', `${process.platform}-${process.arch}-abi${process.versions.modules}`);
}

/** The project a hook event belongs to: Claude Code's project dir, else the event's cwd. */
export function projectOf(cwd: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_PROJECT_DIR || cwd || process.cwd();
}

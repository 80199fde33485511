// Where agent-warden keeps its files. One home per user, overridable for tests and for people
// who keep dotfiles elsewhere; the plugin's data dir (persistent across plugin updates) holds the
// native runtime a marketplace install needs.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function wardenHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.AGENT_WARDEN_HOME || join(env.HOME || homedir(), '.claude', 'agent-warden');
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

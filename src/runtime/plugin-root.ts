// Where the current plugin copy lives, for the status line launcher: plugin updates move the
// plugin to a new versioned directory, and only the hook (run with CLAUDE_PLUGIN_ROOT) knows it.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wardenHome } from './paths';

export const pluginRootFile = (env: NodeJS.ProcessEnv) => join(wardenHome(env), 'statusline', 'plugin-root');

/** Called by the hook at SessionStart and by `statusline install`; a no-op until install made the directory. */
export function rememberPluginRoot(env: NodeJS.ProcessEnv, root: string | undefined = env.CLAUDE_PLUGIN_ROOT): void {
  if (!root || !existsSync(join(wardenHome(env), 'statusline'))) return;
  const file = pluginRootFile(env);
  try {
    if (existsSync(file) && readFileSync(file, 'utf8') === root) return;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, root, { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // the launcher falls back to the root install saw
  }
}

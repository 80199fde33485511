// Where Claude Code (2.1.328) keeps the plugins a user installed: `~/.claude/plugins/installed_plugins.json`
// maps `<plugin>@<marketplace>` to installs ({scope, installPath, projectPath?}); `enabledPlugins` in
// the user's and the project's settings switch them on or off. Read-only and cheap (no parsing of
// agent files, no token counting), so the command hook can use it to find a hidden plugin agent.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface InstalledPlugin {
  /** `<plugin>@<marketplace>` */
  id: string;
  /** The plugin's name, the prefix of its agent types. */
  plugin: string;
  installPath: string;
  agentsDir: string;
}

export const pluginsIndexFile = (home: string) => join(home, '.claude', 'plugins', 'installed_plugins.json');

/** The enabled plugins installed for this project (user installs, and project/local installs of this project). */
export function installedPlugins(home: string, project: string): InstalledPlugin[] {
  const installed = readJsonBounded(pluginsIndexFile(home))?.plugins;
  if (!installed || typeof installed !== 'object') return [];
  // Project settings override the user's: a plugin can be switched off for one project.
  const enabled: Record<string, unknown> = {
    ...asObject(readJsonBounded(join(home, '.claude', 'settings.json'))?.enabledPlugins),
    ...asObject(readJsonBounded(join(project, '.claude', 'settings.json'))?.enabledPlugins),
    ...asObject(readJsonBounded(join(project, '.claude', 'settings.local.json'))?.enabledPlugins),
  };
  const out: InstalledPlugin[] = [];
  for (const [id, installs] of Object.entries<unknown>(installed)) {
    if (enabled[id] === false || !Array.isArray(installs)) continue;
    const install = installs.find((i) => i?.scope === 'user' || i?.projectPath === project);
    if (typeof install?.installPath !== 'string') continue;
    out.push({ id, plugin: id.split('@')[0]!, installPath: install.installPath, agentsDir: join(install.installPath, 'agents') });
  }
  return out;
}

const MAX_JSON_BYTES = 4 * 1024 * 1024;

/** A regular file's JSON, or undefined (missing, special file, too large, not JSON). */
export function readJsonBounded(file: string, maxBytes = MAX_JSON_BYTES): any {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > maxBytes) return undefined;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(stat.size);
      const read = readSync(fd, buf, 0, stat.size, 0);
      return JSON.parse(buf.subarray(0, read).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

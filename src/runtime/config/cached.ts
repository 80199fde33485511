// Settings for a long-lived process (the resident server): loaded once per project and kept while
// nothing they are made of changes. A stat of each file per event replaces reading and validating
// them; a new size, mtime or inode (an editor's rename-over) of any of them, or a changed
// AGENT_WARDEN_* variable, loads them again (issue 20).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { projectConfigPath, userConfigPath } from '../paths';
import { ENV_PREFIX } from './env';
import { loadConfig, type LoadedConfig } from './load';

const cache = new Map<string, { signature: string; loaded: LoadedConfig }>();

function fileSignature(file: string): string {
  // throwIfNoEntry: most of these files do not exist, and a thrown error per file per call cost more than the stat.
  try {
    const s = statSync(file, { throwIfNoEntry: false });
    return s ? `${file}:${s.ino}:${s.size}:${s.mtimeMs}` : `${file}:-`;
  } catch {
    return `${file}:-`;
  }
}

/** Everything loadConfig reads: both config files, the project's Claude Code settings (their env block), the environment. */
function signature(projectDir: string): string {
  const files = [userConfigPath(), projectConfigPath(projectDir), join(projectDir, '.claude', 'settings.json'), join(projectDir, '.claude', 'settings.local.json')];
  const env = Object.keys(process.env)
    .filter((k) => k.startsWith(ENV_PREFIX))
    .sort()
    .map((k) => `${k}=${process.env[k]}`);
  return [...files.map(fileSignature), ...env].join('\n');
}

export function cachedConfig(projectDir: string): LoadedConfig {
  const sig = signature(projectDir);
  const hit = cache.get(projectDir);
  if (hit && hit.signature === sig) return hit.loaded;
  const loaded = loadConfig(projectDir);
  if (cache.size > 64) cache.clear(); // a server sees a handful of projects; never grow without bound
  cache.set(projectDir, { signature: sig, loaded });
  return loaded;
}

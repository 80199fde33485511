// Settings for a long-lived process (the resident server): loaded once per project and kept while
// neither file changes. A stat of each file per event replaces reading and validating them; a new
// size, mtime or inode (an editor's rename-over) loads them again (issue 20).
import { statSync } from 'node:fs';
import { projectConfigPath, userConfigPath } from '../runtime/paths';
import { loadConfig, type LoadedConfig } from './load';

const cache = new Map<string, { signature: string; loaded: LoadedConfig }>();

function signature(file: string): string {
  try {
    const s = statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return '-';
  }
}

export function cachedConfig(projectDir: string): LoadedConfig {
  const sig = `${signature(userConfigPath())}|${signature(projectConfigPath(projectDir))}`;
  const hit = cache.get(projectDir);
  if (hit && hit.signature === sig) return hit.loaded;
  const loaded = loadConfig(projectDir);
  if (cache.size > 64) cache.clear(); // a server sees a handful of projects; never grow without bound
  cache.set(projectDir, { signature: sig, loaded });
  return loaded;
}

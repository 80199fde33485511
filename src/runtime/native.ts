// better-sqlite3 is native: its JS is bundled into our dist files, but the .node addon must be
// found at run time. A dev checkout has it under node_modules; a marketplace install (which runs no
// npm install) gets it from the first-run bootstrap in the plugin's data dir. Passing the absolute
// path as `nativeBinding` also skips the `bindings` package's stack walk (~1.5 ms per hook).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runtimeDir } from './paths';

const ADDON = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const found: string[] = [];
  if (env.AGENT_WARDEN_NATIVE) found.push(env.AGENT_WARDEN_NATIVE);
  // Walk up from this bundle (dist/) or source file (src/ledger/) to the nearest node_modules.
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    found.push(join(dir, ADDON));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  found.push(join(runtimeDir(env), ADDON));
  return found;
}

export function findAddon(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return addonCandidates(env).find((p) => existsSync(p));
}

let loaded: { path: string; exports: object } | undefined;

/**
 * The addon itself, loaded once per process with process.dlopen: better-sqlite3 accepts the
 * loaded object as `nativeBinding`, and this skips require()'s path resolution (~3 ms per hook).
 */
export function loadAddon(path: string): object {
  if (loaded?.path === path) return loaded.exports;
  const mod = { exports: {} as object };
  process.dlopen(mod, path);
  loaded = { path, exports: mod.exports };
  return mod.exports;
}

// A marketplace install copies the plugin's files and runs no npm install, so the native SQLite
// module is missing on first use. The first hook that notices starts this installer in the
// background (one at a time, under a lock) and spools its event; later hooks replay the spool
// once the module is there. Nothing waits on the network inside a hook.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findAddon } from './native';
import { errorText, trace } from './log';
import { runtimeDir } from './paths';

// Loaded only when needed: node:child_process (with streams) costs every hook ~2 ms to load.
const childProcess = () => require('node:child_process') as typeof import('node:child_process');

declare const __BETTER_SQLITE3_VERSION__: string;
const version = typeof __BETTER_SQLITE3_VERSION__ === 'string' ? __BETTER_SQLITE3_VERSION__ : '12';
const STALE_LOCK_MS = 15 * 60 * 1000;

export const lockPath = (env: NodeJS.ProcessEnv = process.env) => `${runtimeDir(env)}.lock`;

export function bootstrapRunning(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return Date.now() - statSync(lockPath(env)).mtimeMs < STALE_LOCK_MS;
  } catch {
    return false;
  }
}

/** Starts the installer detached, unless one is already at work. Costs the hook one spawn. */
export function startBootstrap(env: NodeJS.ProcessEnv = process.env): void {
  if (bootstrapRunning(env)) return;
  const script = join(__dirname, 'bootstrap.cjs');
  if (!existsSync(script)) return; // running from source (tests): nothing to start
  try {
    const child = childProcess().spawn(process.execPath, [script], { detached: true, stdio: 'ignore', env });
    child.unref();
  } catch (err) {
    trace(`could not start the native module install (${errorText(err)})`);
  }
}

// When no prebuilt binary can be downloaded, node-gyp compiles one and wants Node's headers; a
// Node installed from a distribution package ships them beside the binary, so use those rather
// than downloading them again.
function withLocalHeaders(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const prefix = dirname(dirname(process.execPath));
  if (env.npm_config_nodedir || !existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return env;
  return { ...env, npm_config_nodedir: prefix };
}

/** Installs better-sqlite3 into the runtime dir; returns the addon path when it worked. */
export function installNative(env: NodeJS.ProcessEnv = process.env): { ok: boolean; message: string } {
  const existing = findAddon(env);
  if (existing) return { ok: true, message: `already installed at ${existing}` };
  const dir = runtimeDir(env);
  const lock = lockPath(env);
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(lock);
  } catch {
    if (bootstrapRunning(env)) return { ok: false, message: 'another install is running' };
    rmSync(lock, { recursive: true, force: true }); // stale: its installer died
    mkdirSync(lock);
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'agent-warden-runtime', private: true }));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const npmFromNode = join(dirname(process.execPath), npm);
    const res = childProcess().spawnSync(existsSync(npmFromNode) ? npmFromNode : npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', `better-sqlite3@${version}`], {
      cwd: dir,
      env: withLocalHeaders(env),
      encoding: 'utf8',
      timeout: 10 * 60 * 1000,
    });
    const addon = findAddon(env);
    if (addon) return { ok: true, message: `installed better-sqlite3@${version} at ${addon}` };
    return { ok: false, message: `npm install better-sqlite3@${version} failed (exit ${res.status}): ${(res.stderr || res.error?.message || '').trim().split('\n').slice(-3).join(' ')}` };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

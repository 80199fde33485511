// The better-sqlite3 driver (Node 20, or any Node without node:sqlite). Its JS is bundled into
// dist; the native addon is found at run time (native.ts) and may still be on its way (bootstrap).
import Database from 'better-sqlite3';
import type { DriverOpenOptions, SqliteDb } from './driver-types';
import { findAddon, loadAddon } from '../runtime/native';

declare const __BETTER_SQLITE3_VERSION__: string;
const version = typeof __BETTER_SQLITE3_VERSION__ === 'string' ? __BETTER_SQLITE3_VERSION__ : 'from node_modules';

export class NativeMissingError extends Error {
  constructor() {
    super('the SQLite native module (better-sqlite3) is not installed yet');
    this.name = 'NativeMissingError';
  }
}

export function openBetterSqlite3(file: string, opts: DriverOpenOptions, env: NodeJS.ProcessEnv): SqliteDb {
  const addon = findAddon(env);
  if (!addon) throw new NativeMissingError();
  // better-sqlite3's Database already has the interface's shape.
  return new Database(file, {
    nativeBinding: loadAddon(addon) as never,
    timeout: opts.busyTimeoutMs ?? 5000,
    readonly: opts.readonly ?? false,
  }) as unknown as SqliteDb;
}

export function betterSqlite3Detail(env: NodeJS.ProcessEnv): string {
  const addon = findAddon(env);
  return addon ? `better-sqlite3 ${version}, native module at ${addon}` : `better-sqlite3 ${version}, native module not installed yet (run \`agent-warden doctor --install\`)`;
}

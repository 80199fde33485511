// The ledger's SQLite driver. Two implementations behind one small interface, shaped like
// better-sqlite3's (what the code was written against): `node:sqlite`, built into Node >= 22.13,
// needs nothing installed; better-sqlite3 (a native module fetched on first use) serves Node 20.
// Everything above this file sees only `SqliteDb`; opening options (WAL, busy timeout, modes,
// migrations) live in db.ts and are the same under both.
import { openBetterSqlite3, betterSqlite3Detail } from './driver-better';
import { nodeSqliteAvailable, openNodeSqlite, nodeSqliteDetail } from './driver-node';

export type DriverName = 'node:sqlite' | 'better-sqlite3';

export type { DriverOpenOptions, RunResult, SqliteDb, Statement, Transaction } from './driver-types';
import type { DriverOpenOptions, SqliteDb } from './driver-types';

/**
 * node:sqlite where this Node has it, better-sqlite3 otherwise. AGENT_WARDEN_SQLITE_DRIVER
 * (`node:sqlite` or `better-sqlite3`) forces one where it can run, for tests and diagnosis.
 */
export function chooseDriver(env: NodeJS.ProcessEnv = process.env): DriverName {
  const forced = env.AGENT_WARDEN_SQLITE_DRIVER;
  if (forced === 'better-sqlite3') return 'better-sqlite3';
  return nodeSqliteAvailable() ? 'node:sqlite' : 'better-sqlite3';
}

/** Opens any SQLite file (or `:memory:`) with the chosen driver; no pragmas, no migrations. */
export function openDatabase(file: string, opts: DriverOpenOptions = {}, env: NodeJS.ProcessEnv = process.env): SqliteDb {
  return chooseDriver(env) === 'node:sqlite' ? openNodeSqlite(file, opts) : openBetterSqlite3(file, opts, env);
}

export interface DriverReport {
  driver: DriverName;
  /** e.g. "built into Node v22.23.5", "better-sqlite3 12.9.0, addon at …", or why it cannot load. */
  detail: string;
  sqliteVersion?: string;
}

/** What `doctor` prints: the driver this process uses, and the SQLite library behind it. */
export function driverReport(env: NodeJS.ProcessEnv = process.env): DriverReport {
  const driver = chooseDriver(env);
  const detail = driver === 'node:sqlite' ? nodeSqliteDetail() : betterSqlite3Detail(env);
  try {
    const db = openDatabase(':memory:', {}, env);
    try {
      return { driver, detail, sqliteVersion: String(db.prepare('SELECT sqlite_version()').pluck().get()) };
    } finally {
      db.close();
    }
  } catch {
    return { driver, detail };
  }
}

export type DriverName = 'node:sqlite' | 'better-sqlite3';
export type { DriverOpenOptions, RunResult, SqliteDb, Statement, Transaction } from './driver-types';
import type { DriverOpenOptions, SqliteDb } from './driver-types';
/**
 * node:sqlite where this Node has it, better-sqlite3 otherwise. AGENT_WARDEN_SQLITE_DRIVER
 * (`node:sqlite` or `better-sqlite3`) forces one where it can run, for tests and diagnosis.
 */
export declare function chooseDriver(env?: NodeJS.ProcessEnv): DriverName;
/** Opens any SQLite file (or `:memory:`) with the chosen driver; no pragmas, no migrations. */
export declare function openDatabase(file: string, opts?: DriverOpenOptions, env?: NodeJS.ProcessEnv): SqliteDb;
export interface DriverReport {
    driver: DriverName;
    /** e.g. "built into Node v22.23.5", "better-sqlite3 12.9.0, addon at …", or why it cannot load. */
    detail: string;
    sqliteVersion?: string;
}
/** What `doctor` prints: the driver this process uses, and the SQLite library behind it. */
export declare function driverReport(env?: NodeJS.ProcessEnv): DriverReport;

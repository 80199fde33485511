export type DriverName = 'node:sqlite' | 'better-sqlite3';
export interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
}
export interface Statement {
    run(...params: unknown[]): RunResult;
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    iterate(...params: unknown[]): IterableIterator<unknown>;
    /** From now on, rows are their first column's value. */
    pluck(toggle?: boolean): this;
}
export interface Transaction<F extends (...args: never[]) => unknown> {
    (...args: Parameters<F>): ReturnType<F>;
    deferred(...args: Parameters<F>): ReturnType<F>;
    immediate(...args: Parameters<F>): ReturnType<F>;
    exclusive(...args: Parameters<F>): ReturnType<F>;
}
export interface SqliteDb {
    prepare(sql: string): Statement;
    exec(sql: string): unknown;
    /** `PRAGMA <source>`: every row, or with `simple` the first column of the first row. */
    pragma(source: string, options?: {
        simple?: boolean;
    }): unknown;
    /** Nested calls become savepoints, as in better-sqlite3. */
    transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
    close(): void;
    readonly open: boolean;
}
export interface DriverOpenOptions {
    readonly?: boolean;
    /** Milliseconds a statement waits for another connection's lock before SQLITE_BUSY. */
    busyTimeoutMs?: number;
}
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

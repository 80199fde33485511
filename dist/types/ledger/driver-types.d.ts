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

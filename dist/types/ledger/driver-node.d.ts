import type { DriverOpenOptions, SqliteDb } from './driver-types';
interface NodeStatementSync {
    run(...params: unknown[]): {
        changes: number | bigint;
        lastInsertRowid: number | bigint;
    };
    get(...params: unknown[]): Record<string, unknown> | undefined;
    all(...params: unknown[]): Record<string, unknown>[];
    iterate(...params: unknown[]): IterableIterator<Record<string, unknown>>;
    setAllowUnknownNamedParameters?(enabled: boolean): void;
}
interface NodeDatabaseSync {
    prepare(sql: string): NodeStatementSync;
    exec(sql: string): void;
    close(): void;
    readonly isOpen?: boolean;
    /** Node >= 22.16 / 24. */
    aggregate?(name: string, options: {
        start: () => unknown;
        step: (acc: any, ...args: any[]) => unknown;
        result: (acc: any) => unknown;
        deterministic?: boolean;
    }): void;
}
interface NodeSqliteModule {
    DatabaseSync: new (file: string, opts?: {
        readOnly?: boolean;
    }) => NodeDatabaseSync;
}
/** Node >= 22.13 (and 23.4+) ship node:sqlite unflagged, with StatementSync#iterate. */
export declare function nodeSqliteAvailable(versions?: NodeJS.ProcessVersions): boolean;
/**
 * Loading node:sqlite emits an ExperimentalWarning that Node prints to stderr, which a hook must
 * not. Only that one warning is dropped, and only while the module loads: the original
 * process.emitWarning is back before this returns, so every other warning still shows.
 */
export declare function loadNodeSqlite(): NodeSqliteModule;
export declare function nodeSqliteDetail(): string;
export declare function openNodeSqlite(file: string, opts: DriverOpenOptions): SqliteDb;
export {};

import type { DriverOpenOptions, SqliteDb } from './driver-types';
export declare class NativeMissingError extends Error {
    constructor();
}
export declare function openBetterSqlite3(file: string, opts: DriverOpenOptions, env: NodeJS.ProcessEnv): SqliteDb;
export declare function betterSqlite3Detail(env: NodeJS.ProcessEnv): string;

import { type SqliteDb } from './driver';
export type Ledger = SqliteDb;
export { NativeMissingError } from './driver-better';
export interface OpenOptions {
    path?: string;
    readonly?: boolean;
    busyTimeoutMs?: number;
}
export declare function openLedger(opts?: OpenOptions, afterMovingAside?: boolean): Ledger;
export declare function migrate(db: Ledger, deadline?: number): void;
export declare function schemaVersion(db: Ledger): number;
export declare function isBusy(err: unknown): boolean;

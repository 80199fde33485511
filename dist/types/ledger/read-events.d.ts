import type { Ledger } from './db';
export interface EventQuery {
    sessionId?: string;
    kind?: string;
    since?: number;
    project?: string;
    /** At most this many, the newest, in log order. */
    limit?: number;
}
export declare function listEventRows(db: Ledger, q?: EventQuery): any[];

import type { Budget } from '../../runtime/config/schema';
export interface Window {
    /** Inclusive start, ms epoch; 0 for a session (it counts from the session's first event). */
    start: number;
    /** When the budget resets; undefined for a session budget (it ends with the session). */
    end?: number;
    /** Rolling windows ("5h", "7d"): their length in ms; `end` is when the oldest counted spend leaves. */
    rolling?: number;
}
export declare const ROLLING_MS: Partial<Record<Budget['scope'], number>>;
export declare function systemTimeZone(): string;
export declare function windowOf(scope: Budget['scope'], now: number, timeZone: string): Window;
/** "2026-03-02 00:00 Europe/Paris" */
export declare function localTime(ms: number, timeZone: string): string;
/** "3 h 12 min", "2 d 4 h", "45 s" */
export declare function duration(ms: number): string;

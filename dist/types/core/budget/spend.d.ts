import type { Ledger } from '../../ledger/db';
/** Which spend a budget counts: one session, or everything since a window start; optionally one agent type or project. */
export interface SpendFilter {
    sessionId?: string;
    since?: number;
    agentType?: string;
    project?: string;
    /** One subagent's own spend (a `dispatch` budget). */
    agentId?: string;
    /** Only usage of models matching this family/prefix or glob (see modelGlobs). */
    model?: string;
}
/**
 * A budget's `model` filter as GLOB patterns over lower-cased model names: a glob is used as
 * written; anything else is a family or name prefix ("opus" matches claude-opus-5-5, "claude-opus-5" too).
 */
export declare function modelGlobs(model: string): [string, string];
export interface Billed {
    tokens: number;
    /** Sum over priced messages only. */
    usd: number;
    /** Tokens of messages recorded before rows carried a price (priced at the next report): USD spend is a lower bound when > 0. */
    unpricedTokens: number;
    /** Tokens priced at an estimate (a model with no exact or learned price): counted, and said so. */
    estimatedTokens: number;
}
export declare function billed(db: Ledger, f: SpendFilter): Billed;
/**
 * Tokens held by dispatches still running: their reservation minus what their subagent has billed
 * so far. A dispatch of a session that has ended holds nothing (it will never report back).
 */
export declare function reserved(db: Ledger, f: SpendFilter): number;
export interface Raise {
    tokens: number;
    usd: number;
}
/** Raises logged with `budget override`: for this session (or every session), this budget (or all), in this window. */
export declare function overrides(db: Ledger, o: {
    sessionId?: string;
    budgetKey: string;
    since: number;
}): Raise;
/** When the session's first event arrived (a session budget's burn rate counts from there). */
export declare function sessionStart(db: Ledger, sessionId: string): number | undefined;
/** The earliest counted spend since `since` (a rolling window frees up as it ages out). */
export declare function oldestSpend(db: Ledger, f: SpendFilter): number | undefined;

import type { Budget, Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
import { type Window } from './window';
import { type TeamFigure } from './team-figure';
export type Unit = 'tokens' | 'usd';
export interface Meter {
    unit: Unit;
    spent: number;
    reserved: number;
    /** The configured limit plus overrides. */
    limit: number;
    raised: number;
    /** USD meters: tokens of unpriced models (spend is then a lower bound). */
    unpricedTokens: number;
    /** USD meters: tokens priced at an estimate (models without an exact or learned price). */
    estimatedTokens?: number;
    /** USD meters: average price of this window's priced tokens, to turn token reservations into USD. */
    usdPerToken?: number;
}
export interface BudgetState {
    budget: Budget;
    key: string;
    label: string;
    window: Window;
    timeZone: string;
    meters: Meter[];
    /** Team budgets: the other machines' spend that was added, or why it could not be (then this machine's spend alone counts). */
    team?: TeamFigure;
}
/** Whose spend a budget is checked for: the session making the call, in its project. */
export interface Subject {
    sessionId: string;
    project: string;
    /** For `dispatch` budgets: the subagent whose own spend is checked. */
    agentId?: string;
}
/** Stable name of a budget: its id, else scope[:agent_type][:project]. Keys notices and overrides. */
export declare function budgetKey(b: Budget): string;
export declare function budgetLabel(b: Budget, teamName?: string): string;
export declare function timeZoneOf(config: Config): string;
export declare function evaluateBudget(db: Ledger, config: Config, b: Budget, subject: Subject, now: number): BudgetState;
export declare const used: (m: Meter) => number;
export declare const isSpent: (m: Meter) => boolean;
/** Tokens turned into this meter's unit (USD at the window's average price; 0 when nothing is priced yet). */
export declare const inUnit: (m: Meter, tokens: number) => number;
export declare function amount(unit: Unit, n: number): string;

import type { Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
export declare const capNames: readonly ["max_per_session", "max_depth", "max_running"];
export type CapName = (typeof capNames)[number];
export interface CapState {
    cap: CapName;
    /** The configured cap plus this session's overrides. */
    limit: number;
    raised: number;
    /** Subagents started / running now / the depth a new dispatch from this caller would have. */
    current: number;
}
/** Dispatches that count as started: not refused (by us or by Claude Code). */
export declare function startedCount(db: Ledger, sessionId: string, exceptToolUseId?: string): number;
export declare function runningCount(db: Ledger, sessionId: string, exceptToolUseId?: string): number;
/**
 * How deep a thread is: 0 for the main thread, else the subagent's depth as its meta file says,
 * else found by walking parent links (dispatch -> the agent that made it). An unknown subagent is
 * at least depth 1.
 */
export declare function depthOf(db: Ledger, sessionId: string, agentId: string): number;
export declare function capRaises(db: Ledger, sessionId: string): Record<CapName, number>;
/** Every configured cap's state for a session (and a caller thread, for depth). */
export declare function capStates(db: Ledger, config: Config, o: {
    sessionId: string;
    agentId?: string;
    exceptToolUseId?: string;
}): CapState[];
/** A dispatch is refused when starting it would go past the cap. */
export declare const isPast: (s: CapState) => boolean;

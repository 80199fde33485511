import type { Budget, Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
export type TeamFigure = {
    status: 'fresh';
    team: string;
    tokens: number;
    usd: number;
    unpricedTokens: number;
    machines: number;
    fetchedAt: number;
} | {
    status: 'unavailable';
    team?: string;
    why: string;
    fetchedAt?: number;
};
/** Which spend a team budget counts, as a key of the cached figure (the window start is checked apart). */
export declare function teamSignature(b: Budget, project: string): string;
export declare function readTeamState(db: Ledger, key: string): string | undefined;
/** The other machines' spend for this budget in the window starting at `windowStart` (rolling windows: any recent fetch). */
export declare function teamFigure(db: Ledger, config: Config, b: Budget, o: {
    project: string;
    windowStart: number;
    rolling: boolean;
    now: number;
}): TeamFigure;

import type { Config } from './schema';
import { shellQuote } from '../shell-quote';
export { shellQuote };
export interface ConfigNotice {
    file: string;
    key: string;
    message: string;
}
export declare function formatNotice(n: ConfigNotice): string;
export declare const canonicalDir: (dir: string) => string;
export declare function isTrusted(trusted: unknown, projectDir: string): boolean;
/**
 * Settings only your own config may hold, trusted project or not: `team` names the server that
 * receives this machine's usage and which team's budgets apply, so a repository must not point it
 * elsewhere (or drop it to escape a team budget).
 */
export declare function dropUserOnlyKeys(project: Record<string, unknown>, file: string, notices: ConfigNotice[]): void;
/**
 * The part of a (valid) project layer that may apply over `mine` (the user's effective settings);
 * every other setting becomes a notice.
 */
export declare function tightenOnly(mine: Config, project: Record<string, unknown>, file: string, notices: ConfigNotice[]): Record<string, unknown>;

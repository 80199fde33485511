import type * as z from 'zod/mini';
export interface ConfigProblem {
    file: string;
    /** Path of the setting, e.g. `budgets[0].scope` ("(file)" when the whole file is unusable). */
    key: string;
    message: string;
    fix: string;
}
type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;
/** `budgets[0].scope` from ['budgets', 0, 'scope']. */
export declare function pathText(path: readonly Segment[]): string;
export declare function valueAt(raw: unknown, path: readonly Segment[]): unknown;
export declare function didYouMean(word: string, candidates: readonly string[]): string | undefined;
/** One problem per zod issue, as sentences (never zod's bare "Invalid input"). */
export declare function describeIssue(file: string, schema: z.core.$ZodType, raw: unknown, issue: Issue): ConfigProblem[];
/** What one problem makes agent-warden ignore: a whole list or map entry, else the one setting. */
export declare function ignoredPart(schema: z.core.$ZodType, path: readonly Segment[]): readonly Segment[];
export declare function ignoredText(part: readonly Segment[], unknownKey?: boolean): string;
export declare function formatProblem(p: ConfigProblem): string;
export {};

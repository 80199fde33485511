/** Throws (naming the path) when the ledger file, its companions or its folder is a symlink. */
export declare function refuseStateSymlinks(ledgerFile: string): void;
/** Removes permission bits beyond `max`; never adds any (a deliberately stricter mode stays). */
export declare function tightenMode(path: string, max: number): void;

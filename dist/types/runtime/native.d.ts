export declare function addonCandidates(env?: NodeJS.ProcessEnv): string[];
export declare function findAddon(env?: NodeJS.ProcessEnv): string | undefined;
/**
 * The addon itself, loaded once per process with process.dlopen: better-sqlite3 accepts the
 * loaded object as `nativeBinding`, and this skips require()'s path resolution (~3 ms per hook).
 */
export declare function loadAddon(path: string): object;

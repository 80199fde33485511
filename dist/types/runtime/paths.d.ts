/**
 * `AGENT_WARDEN_HOME`, unless only the project's own Claude Code settings set it: their `env` block
 * reaches every hook, and a repository that moved the ledger would start every budget from zero in
 * a ledger of its choosing. Such a value is ignored (and logged in the real home's warden.log);
 * the one in your own `~/.claude/settings.json` `env`, or the default, is used instead.
 */
export declare function wardenHome(env?: NodeJS.ProcessEnv): string;
/** The AGENT_WARDEN_HOME a project's settings set and this process ignored, if any (for doctor and the log). */
export declare function ignoredProjectHome(): {
    value: string;
    file: string;
    used: string;
} | undefined;
export declare const ledgerPath: (home?: string) => string;
export declare const spoolDir: (home?: string) => string;
export declare const logPath: (home?: string) => string;
export declare const userConfigPath: (home?: string) => string;
export declare const projectConfigPath: (projectDir: string) => string;
/** Where the native better-sqlite3 build goes in an installed copy (no npm install runs there). */
export declare function runtimeDir(env?: NodeJS.ProcessEnv): string;
/** The project a hook event belongs to: Claude Code's project dir, else the event's cwd. */
export declare function projectOf(cwd: string | undefined, env?: NodeJS.ProcessEnv): string;

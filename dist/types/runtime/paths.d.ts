export declare function wardenHome(env?: NodeJS.ProcessEnv): string;
export declare const ledgerPath: (home?: string) => string;
export declare const spoolDir: (home?: string) => string;
/** Hook inputs hooks/session-event.sh left for the next Node process to record (src/hooks/inbox.ts). */
export declare const inboxDir: (home?: string) => string;
export declare const logPath: (home?: string) => string;
export declare const userConfigPath: (home?: string) => string;
export declare const projectConfigPath: (projectDir: string) => string;
/** Where the native better-sqlite3 build goes in an installed copy (no npm install runs there). */
export declare function runtimeDir(env?: NodeJS.ProcessEnv): string;
/** The project a hook event belongs to: Claude Code's project dir, else the event's cwd. */
export declare function projectOf(cwd: string | undefined, env?: NodeJS.ProcessEnv): string;

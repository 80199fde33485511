export declare const ENV_PREFIX = "AGENT_WARDEN_";
export interface EnvSetting {
    variable: string;
    /** The setting's path, e.g. ['breaker', 'max_consecutive_failures']. */
    path: string[];
    value: unknown;
}
export declare const variableFor: (path: readonly PropertyKey[]) => string;
/** The setting variables set in `env`, in name order; `tooLong` lists those refused for size. */
export declare function settingVariables(env: NodeJS.ProcessEnv): {
    settings: EnvSetting[];
    tooLong: string[];
};
/** `{ a: { b: value } }` from ['a', 'b']. */
export declare function nested(path: readonly string[], value: unknown): Record<string, unknown>;

/** The AGENT_WARDEN_* variables a project's Claude Code settings set, with the file that sets each. */
export declare function projectEnvVariables(projectDir: string, prefix: string): Map<string, {
    value: string;
    file: string;
}>;

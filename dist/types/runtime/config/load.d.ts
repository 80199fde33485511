import { formatProblem, type ConfigProblem } from './problems';
import { type Config } from './schema';
import { type ConfigNotice } from './trust';
export { formatProblem, type ConfigProblem };
export { formatNotice, type ConfigNotice } from './trust';
export interface LoadedConfig {
    config: Config;
    /** Invalid settings, each ignored on its own. */
    problems: ConfigProblem[];
    /** Project settings ignored because they would loosen the user's guard (project not trusted). */
    notices: ConfigNotice[];
    files: string[];
    /** The AGENT_WARDEN_* variables that set something (each valid on its own). */
    variables: string[];
}
export declare function loadConfig(projectDir?: string, opts?: {
    userFile?: string;
    env?: NodeJS.ProcessEnv;
}): LoadedConfig;
/**
 * The valid part of one file: every invalid setting or list entry is reported and dropped on its
 * own, so one typo in one budget leaves every other budget in force.
 */
export declare function validSettings(file: string, raw: Record<string, unknown>, problems: ConfigProblem[]): Record<string, unknown>;
/** What is wrong with one file's contents (empty when it is valid); used before writing a file. */
export declare function problemsIn(file: string, raw: unknown): ConfigProblem[];

// Claude Code applies a settings file's `env` block to every process of the session, hooks
// included. A repository's own `.claude/settings.json` (or `settings.local.json`) could therefore
// set AGENT_WARDEN_* variables and loosen the user's guard through the environment layer. Those
// variables are the project's, not the user's: this finds them so they get the project's rules.
import { join } from 'node:path';
import { readRegularFile } from '../safe-file';

const SETTINGS_FILES = ['settings.json', 'settings.local.json'];
const MAX_SETTINGS_BYTES = 1024 * 1024;

/** The AGENT_WARDEN_* variables a project's Claude Code settings set, with the file that sets each. */
export function projectEnvVariables(projectDir: string, prefix: string): Map<string, { value: string; file: string }> {
  const found = new Map<string, { value: string; file: string }>();
  for (const name of SETTINGS_FILES) {
    const file = join(projectDir, '.claude', name);
    let env: unknown;
    try {
      env = (JSON.parse(readRegularFile(file, { maxBytes: MAX_SETTINGS_BYTES })) as { env?: unknown })?.env;
    } catch {
      continue; // absent, unreadable or not JSON: it sets nothing we can see (Claude Code reports its own settings errors)
    }
    if (typeof env !== 'object' || env === null || Array.isArray(env)) continue;
    for (const [variable, value] of Object.entries(env)) {
      if (variable.startsWith(prefix)) found.set(variable, { value: String(value), file });
    }
  }
  return found;
}

// The environment layer: `AGENT_WARDEN_<SETTING>` variables, applied over both config files (as
// atuin's environment overrides its files). One rule for every setting:
//   name:  AGENT_WARDEN_ + the setting's path, upper-case, nested keys joined by `__`
//          (privacy -> AGENT_WARDEN_PRIVACY, breaker.max_consecutive_failures ->
//          AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES);
//   value: read as JSON when it is JSON (5, true, ["Bash"], {"scope": "day", ...}), else as the
//          text itself (metadata, Europe/Paris); an empty variable counts as unset.
// Each variable is checked by the same schema as the files, on its own; a bad one is reported under
// its own name and ignored.

export const ENV_PREFIX = 'AGENT_WARDEN_';

/**
 * agent-warden's variables that are not settings (where it lives, which SQLite driver, and the
 * test harness's). A new variable of that kind must be added here, or it reads as an unknown setting.
 */
const NOT_SETTINGS = new Set(['HOME', 'NATIVE', 'SQLITE_DRIVER']);
const NOT_SETTING_PREFIXES = ['TEST_', 'CI_', 'CLAUDE_'];

/** A value longer than this is refused rather than parsed (the environment is input too). */
const MAX_VALUE_CHARS = 64 * 1024;

export interface EnvSetting {
  variable: string;
  /** The setting's path, e.g. ['breaker', 'max_consecutive_failures']. */
  path: string[];
  value: unknown;
}

export const variableFor = (path: readonly PropertyKey[]): string => ENV_PREFIX + path.map((s) => String(s).toUpperCase()).join('__');

/** The setting variables set in `env`, in name order; `tooLong` lists those refused for size. */
export function settingVariables(env: NodeJS.ProcessEnv): { settings: EnvSetting[]; tooLong: string[] } {
  const settings: EnvSetting[] = [];
  const tooLong: string[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith(ENV_PREFIX)) continue;
    const name = variable.slice(ENV_PREFIX.length);
    if (!name || NOT_SETTINGS.has(name) || NOT_SETTING_PREFIXES.some((p) => name.startsWith(p))) continue;
    const text = env[variable];
    if (text === undefined || text === '') continue;
    if (text.length > MAX_VALUE_CHARS) {
      tooLong.push(variable);
      continue;
    }
    settings.push({ variable, path: name.toLowerCase().split('__'), value: parseValue(text) });
  }
  return { settings, tooLong };
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `{ a: { b: value } }` from ['a', 'b']. */
export function nested(path: readonly string[], value: unknown): Record<string, unknown> {
  let out: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]!]: out };
  return out as Record<string, unknown>;
}

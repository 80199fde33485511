// Settings: defaults, then the user's file, then the project's, then AGENT_WARDEN_* environment
// variables (./env.ts), which override both files. A broken setting never disables
// the rest: each setting and each list entry is checked on its own, a bad one is reported (file,
// path, value, fix) and ignored, and everything valid still applies. The project's file may only
// tighten the user's unless the user trusts that project (see ./trust.ts and SECURITY.md).
import { readFileSync } from 'node:fs';
import { ignoredProjectHome, projectConfigPath, userConfigPath } from '../paths';
import { ENV_PREFIX, nested, settingVariables, variableFor, type EnvSetting } from './env';
import { projectEnvVariables } from './project-env';
import { describeIssue, formatProblem, ignoredPart, ignoredText, valueAt, type ConfigProblem } from './problems';
import { defaultConfig as defaults, schemas, type Config } from './schema';
import { dropUserOnlyKeys, isTrusted, tightenOnly, type ConfigNotice } from './trust';

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

export function loadConfig(projectDir?: string, opts: { userFile?: string; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const notices: ConfigNotice[] = [];
  const files: string[] = [];
  const userFile = opts.userFile ?? userConfigPath();
  const movedHome = ignoredProjectHome();
  if (movedHome) {
    notices.push({
      file: `${movedHome.file} (env)`,
      key: 'AGENT_WARDEN_HOME',
      message: `a project cannot move the ledger (to ${movedHome.value}); ${movedHome.used} is used. To keep it elsewhere, set AGENT_WARDEN_HOME in your own ~/.claude/settings.json env or your shell`,
    });
  }
  const user = readLayer(userFile, problems);
  if (user) files.push(userFile);
  const layers = user ? [user] : [];
  if (projectDir) {
    const file = projectConfigPath(projectDir);
    const project = readLayer(file, problems);
    if (project) {
      files.push(file);
      if ('trusted_projects' in project) {
        notices.push({ file, key: 'trusted_projects', message: 'a project cannot trust projects; only your own config can (`agent-warden trust`)' });
        delete project.trusted_projects;
      }
      dropUserOnlyKeys(project, file, notices);
      if (isTrusted(user?.trusted_projects, projectDir)) layers.push(project);
      else layers.push(tightenOnly(mergeOrDefaults(layers, problems), project, file, notices));
    }
  }
  // The environment is yours, like your own file: it overrides both files, the project's included.
  // A variable the project's own Claude Code settings set (their `env` block reaches every hook) is
  // the project's, though: it may only tighten, like the project's file.
  const { settings, tooLong } = settingVariables(opts.env ?? process.env);
  for (const variable of tooLong) problems.push({ file: `environment variable ${variable}`, key: '(value)', message: 'is longer than 64 KB; it is ignored', fix: 'shorten it, or put the setting in your config file' });
  const fromProject = projectDir && settings.length ? projectEnvVariables(projectDir, ENV_PREFIX) : new Map<string, { value: string; file: string }>();
  const isProjects = (s: EnvSetting) => fromProject.get(s.variable)?.value === (opts.env ?? process.env)[s.variable];
  const fromEnv = envLayer(settings.filter((s) => !isProjects(s)), problems);
  if (fromEnv.variables.length) layers.push(fromEnv.layer);
  const variables = [...fromEnv.variables];
  const projects = settings.filter(isProjects);
  if (projectDir && projects.length) {
    const fromSettings = envLayer(projects, problems);
    variables.push(...fromSettings.variables);
    const file = `${fromProject.get(projects[0]!.variable)!.file} (env)`;
    if (isTrusted(user?.trusted_projects, projectDir)) layers.push(fromSettings.layer);
    else if (fromSettings.variables.length) layers.push(tightenOnly(mergeOrDefaults(layers, problems), fromSettings.layer, file, notices));
  }
  return { config: mergeOrDefaults(layers, problems), problems, notices, files, variables };
}

/** The valid settings of the AGENT_WARDEN_* variables, each checked on its own and named in its problems. */
function envLayer(settings: EnvSetting[], problems: ConfigProblem[]): { layer: Record<string, unknown>; variables: string[] } {
  const layer: Record<string, unknown> = {};
  const variables: string[] = [];
  for (const { variable, path, value } of settings) {
    const source = `environment variable ${variable}`;
    if (path[0] === 'trusted_projects') {
      problems.push({ file: source, key: 'trusted_projects', message: 'can only be set in your config file; this variable is ignored', fix: `unset ${variable} and run \`agent-warden trust --project DIR\`` });
      continue;
    }
    const found: ConfigProblem[] = [];
    const valid = validSettings(source, nested(path, value), found);
    problems.push(...found.map((p) => asVariableProblem(p, variable)));
    if (valueAt(valid, path) !== undefined) {
      deepMerge(layer, valid);
      variables.push(variable);
    }
  }
  return { layer, variables };
}

/** A problem's wording for a variable: what applies instead, and how to set it right. */
function asVariableProblem(p: ConfigProblem, variable: string): ConfigProblem {
  const message = p.message.replace('(its default applies)', "(the config files' value or the default applies)");
  // Inside a list (budgets[0].scope) the fix is about the JSON in the value: keep its wording.
  if (p.key.includes('[')) return { ...p, message };
  const path = p.key.split('.').slice(0, -1);
  const fix = p.fix
    .replace(/^did you mean "([^"]+)"\? Rename the key$/, (_, key: string) => `did you mean ${variableFor([...path, key])}? Rename the variable`)
    .replace(/^did you mean "([^"]+)"\? Write .*$/, (_, value: string) => `did you mean "${value}"? Set ${variable}=${value}`)
    .replace(/^remove it;/, `unset ${variable};`)
    .replace(/^write a list here$/, `set ${variable} to a JSON list, e.g. ["one","two"]`)
    .replace(/^write an object here$/, `set ${variable} to a JSON object, e.g. {"key": 1}`);
  return { ...p, message, fix };
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    const have = into[key];
    if (isPlain(have) && isPlain(value)) deepMerge(have, value);
    else into[key] = value;
  }
}

function readLayer(file: string, problems: ConfigProblem[]): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // no file: nothing to add
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    problems.push({ file, key: '(file)', message: `is not valid JSON (${(err as Error).message})`, fix: 'fix the JSON syntax; every setting in this file is ignored until then' });
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ file, key: '(file)', message: 'is not a JSON object', fix: 'write the settings as one object, e.g. {"budgets": []}; the file is ignored until then' });
    return undefined;
  }
  return validSettings(file, raw as Record<string, unknown>, problems);
}

/**
 * The valid part of one file: every invalid setting or list entry is reported and dropped on its
 * own, so one typo in one budget leaves every other budget in force.
 */
export function validSettings(file: string, raw: Record<string, unknown>, problems: ConfigProblem[]): Record<string, unknown> {
  const schema = schemas().configSchema;
  let layer = structuredClone(raw);
  const seen = new Set<string>();
  // Dropping one part can expose no new problem in practice, but a bounded loop costs nothing.
  for (let pass = 0; pass < 8; pass++) {
    const parsed = schema.safeParse(layer);
    if (parsed.success) return layer;
    const drops: PropertyKey[][] = [];
    for (const issue of parsed.error.issues) {
      const unknown = issue.code === 'unrecognized_keys';
      const parts = unknown ? issue.keys.map((k) => ignoredPart(schema, [...issue.path, k])) : [ignoredPart(schema, issue.path)];
      for (const [i, problem] of describeIssue(file, schema, layer, issue).entries()) {
        const part = parts[Math.min(i, parts.length - 1)]!;
        const id = `${problem.key}|${problem.message}`;
        if (!seen.has(id)) {
          seen.add(id);
          problems.push({ ...problem, message: `${problem.message}; ${ignoredText(part, unknown && part.length === issue.path.length + 1)}` });
        }
      }
      drops.push(...parts.map((p) => [...p]));
    }
    if (drops.some((p) => p.length === 0)) return {};
    layer = without(layer, drops);
  }
  return {};
}

/** A copy of `obj` with the settings at `paths` removed (list entries filtered out, indices as given). */
function without(obj: Record<string, unknown>, paths: PropertyKey[][]): Record<string, unknown> {
  const GONE = Symbol('gone');
  for (const path of paths) {
    let parent: any = obj;
    for (const seg of path.slice(0, -1)) parent = parent?.[seg as string];
    if (parent === null || typeof parent !== 'object') continue;
    const last = path[path.length - 1] as string;
    if (Array.isArray(parent)) parent[last as unknown as number] = GONE;
    else delete parent[last];
  }
  const sweep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.filter((x) => x !== GONE).map(sweep);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sweep(x)]));
    return v;
  };
  return sweep(obj) as Record<string, unknown>;
}

/** What is wrong with one file's contents (empty when it is valid); used before writing a file. */
export function problemsIn(file: string, raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [{ file, key: '(file)', message: 'is not a JSON object', fix: 'write the settings as one object' }];
  validSettings(file, raw as Record<string, unknown>, problems);
  return problems;
}

/** Later layers win key by key; budgets add up (a project adds its own to the user's). */
function mergeOrDefaults(layers: Record<string, unknown>[], problems: ConfigProblem[]): Config {
  if (!layers.length) return defaults();
  const out: Record<string, any> = {};
  const budgets: unknown[] = [];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (key === 'budgets' && Array.isArray(value)) budgets.push(...value);
      else if (isPlain(value) && isPlain(out[key])) out[key] = { ...out[key], ...value };
      else out[key] = value;
    }
  }
  out.budgets = budgets;
  const parsed = schemas().configSchema.safeParse(out);
  if (parsed.success) return parsed.data;
  // Each layer is valid on its own; a merge that is not would be our bug. Keep guarding with the defaults.
  problems.push({ file: '(merged settings)', key: '(top level)', message: `could not be combined (${parsed.error.issues[0]?.message ?? 'unknown'})`, fix: 'run `agent-warden doctor` and report this' });
  return defaults();
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

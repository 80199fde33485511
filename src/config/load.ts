// Settings: defaults, then the user's file, then the project's. A broken file never disables the
// ledger: its problems are reported (file, key, fix) and the other layers still apply.
import { readFileSync } from 'node:fs';
import { projectConfigPath, userConfigPath } from '../runtime/paths';
import { schemas, type Config } from './schema';

// The defaults, computed from the schema at build time (scripts/build.mjs); from source, at first use.
declare const __DEFAULT_CONFIG__: Config | undefined;
const defaults = (): Config =>
  typeof __DEFAULT_CONFIG__ === 'object' && __DEFAULT_CONFIG__ ? structuredClone(__DEFAULT_CONFIG__) : schemas().configSchema.parse({});

export interface ConfigProblem {
  file: string;
  key: string;
  message: string;
  fix: string;
}

export interface LoadedConfig {
  config: Config;
  problems: ConfigProblem[];
  files: string[];
}

const fixes: Record<string, string> = {
  invalid_value: 'use one of the allowed values',
  too_small: 'use a positive number',
  unrecognized_keys: 'remove the key, or check its spelling against the JSON Schema (schema/config.schema.json)',
  invalid_type: 'use the type the JSON Schema gives for this key',
  custom: 'see the message',
};

export function loadConfig(projectDir?: string, opts: { userFile?: string } = {}): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  const layers: Record<string, unknown>[] = [];
  const candidates = [opts.userFile ?? userConfigPath(), projectDir ? projectConfigPath(projectDir) : undefined];
  for (const file of candidates) {
    if (!file) continue;
    const layer = readLayer(file, problems);
    if (layer) {
      layers.push(layer);
      files.push(file);
    }
  }
  return { config: merge(layers), problems, files };
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
    problems.push({ file, key: '(file)', message: `not valid JSON: ${(err as Error).message}`, fix: 'fix the JSON syntax; the file is ignored until then' });
    return undefined;
  }
  const found = problemsIn(file, raw);
  if (!found.length) return raw as Record<string, unknown>;
  problems.push(...found);
  return undefined; // an invalid layer is ignored whole rather than half-applied
}

/** What is wrong with one layer's contents (empty when it is valid); also used before writing a file. */
export function problemsIn(file: string, raw: unknown): ConfigProblem[] {
  const parsed = schemas().configSchema.safeParse(raw);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.join(', ') ?? '(root)' : '(root)');
    return { file, key, message: describe(issue), fix: fixes[issue.code] ?? 'see the JSON Schema' };
  });
}

function describe(issue: { code: string; message: string; values?: unknown[]; keys?: string[]; minimum?: unknown }): string {
  if (issue.code === 'invalid_value' && issue.values) return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'unrecognized_keys' && issue.keys) return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'too_small') return `must be greater than ${issue.minimum ?? 0}`;
  return issue.message;
}

/** Later layers win key by key; budgets add up (a project adds its own to the user's). */
function merge(layers: Record<string, unknown>[]): Config {
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
  return layers.length ? schemas().configSchema.parse(out) : defaults();
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}: ${p.key}: ${p.message} (fix: ${p.fix})`;
}

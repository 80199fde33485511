// Turning what zod found wrong into sentences a person can act on: the file, the path of the
// setting (`budgets[0].scope`), the bad value, what is allowed and, where a near miss is likely,
// a did-you-mean. Each problem also says what is ignored because of it, and only that.
import type * as z from 'zod/mini';

export interface ConfigProblem {
  file: string;
  /** Path of the setting, e.g. `budgets[0].scope` ("(file)" when the whole file is unusable). */
  key: string;
  message: string;
  fix: string;
}

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

/** `budgets[0].scope` from ['budgets', 0, 'scope']. */
export function pathText(path: readonly Segment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out || '(top level)';
}

export function valueAt(raw: unknown, path: readonly Segment[]): unknown {
  let v = raw;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg as string] : undefined;
  return v;
}

/** The schema of the setting at `path` (through defaults, optionals, arrays and records). */
function schemaAt(schema: z.core.$ZodType | undefined, path: readonly Segment[]): z.core.$ZodType | undefined {
  let s = schema;
  const unwrap = () => {
    while (s && ['default', 'optional', 'prefault', 'nullable', 'readonly'].includes(s._zod.def.type)) s = (s._zod.def as any).innerType as z.core.$ZodType;
  };
  for (const seg of path) {
    unwrap();
    if (!s) return undefined;
    const def = s._zod.def as any;
    if (def.type === 'object') s = def.shape[seg as string];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
  }
  unwrap();
  return s;
}

function keysAt(schema: z.core.$ZodType, path: readonly Segment[]): string[] {
  const s = schemaAt(schema, path);
  return s && s._zod.def.type === 'object' ? Object.keys((s._zod.def as any).shape) : [];
}

/** Levenshtein distance, for did-you-mean on short names (keys and enum values only). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) (best = c), (bestD = d);
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

const show = (v: unknown): string => {
  if (v === undefined) return 'missing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'true/false' : typeof v);
const expectedText: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', object: 'an object', array: 'a list', record: 'an object' };

/** One problem per zod issue, as sentences (never zod's bare "Invalid input"). */
export function describeIssue(file: string, schema: z.core.$ZodType, raw: unknown, issue: Issue): ConfigProblem[] {
  const path = issue.path;
  const value = valueAt(raw, path);
  const where = pathText(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = keysAt(schema, path);
      return issue.keys.map((k) => {
        const guess = didYouMean(k, known);
        return {
          file,
          key: pathText([...path, k]),
          message: `"${k}" is not a setting agent-warden knows${path.length ? ` inside ${where}` : ''}`,
          fix: guess ? `did you mean "${guess}"? Rename the key` : `remove it; the settings allowed here are ${known.map((x) => `"${x}"`).join(', ')}`,
        };
      });
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const guess = typeof value === 'string' ? didYouMean(value, issue.values.filter((v): v is string => typeof v === 'string')) : undefined;
      return [{ file, key: where, message: `is ${show(value)}, which is not one of ${allowed.join(', ')}`, fix: guess ? `did you mean "${guess}"? Write "${pathLeaf(path)}": "${guess}"` : `use one of ${allowed.join(', ')}` }];
    }
    case 'invalid_type': {
      const want = expectedText[issue.expected] ?? issue.expected;
      if (value === undefined) return [{ file, key: where, message: `is missing; it must be ${want}`, fix: `add "${pathLeaf(path)}"` }];
      return [{ file, key: where, message: `is ${show(value)} (${kindOf(value)}), but it must be ${want}`, fix: `write ${want} here` }];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      const bound = issue.inclusive ? `at least ${min}` : `greater than ${min}`;
      return [{ file, key: where, message: `is ${show(value)}, but it must be ${bound}`, fix: `use a number ${bound}` }];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      const bound = issue.inclusive ? `at most ${max}` : `less than ${max}`;
      return [{ file, key: where, message: `is ${show(value)}, but it must be ${bound}`, fix: `use a number ${bound}` }];
    }
    case 'invalid_format':
    case 'custom':
      if (!issue.message || issue.message === 'Invalid input') return [{ file, key: where, message: `has a value that is not allowed (${show(value)})`, fix: customFix(path, issue.message) }];
      return [{ file, key: where, message: value !== null && typeof value === 'object' ? issue.message : `is ${show(value)}; ${issue.message}`, fix: customFix(path, issue.message) }];
    default:
      return [{ file, key: where, message: `has a value that is not allowed (${show(value)})`, fix: 'see schema/config.schema.json for what this setting takes' }];
  }
}

const pathLeaf = (path: readonly Segment[]) => String([...path].reverse().find((s) => typeof s === 'string') ?? '');

function customFix(path: readonly Segment[], message = ''): string {
  if (path[0] === 'budgets' && /team budget/.test(message)) return 'remove "team": true, or give it scope "day", "week", "month", "5h" or "7d" with limit_tokens or limit_usd';
  if (path[0] === 'team' && path[1] === 'url') return 'write the URL as postgres://user:password@host:5432/database';
  if (path[0] === 'budgets' && path.length === 2) return 'add "limit_tokens": <tokens> or "limit_usd": <dollars> to it';
  if (path[0] === 'timezone') return 'use an IANA name such as "Europe/Paris" or "America/New_York"';
  return 'see schema/config.schema.json for what this setting takes';
}

/** What one problem makes agent-warden ignore: a whole list or map entry, else the one setting. */
export function ignoredPart(schema: z.core.$ZodType, path: readonly Segment[]): readonly Segment[] {
  // A team setting with a bad url or name names no team: all of it is ignored.
  if (path[0] === 'team') return ['team'];
  for (let i = 0; i < path.length; i++) {
    const kind = schemaAt(schema, path.slice(0, i))?._zod.def.type;
    if (kind === 'array' || kind === 'record') return path.slice(0, i + 1);
  }
  return path;
}

export function ignoredText(part: readonly Segment[], unknownKey = false): string {
  if (part[0] === 'budgets' && part.length === 2) return `this budget (${pathText(part)}) is ignored; every other budget is still enforced`;
  if (typeof part[part.length - 1] === 'number') return `this entry is ignored; the rest of ${pathText(part.slice(0, -1))} still applies`;
  if (!part.length) return 'the file is ignored';
  if (part.length === 1 && part[0] === 'team') return 'the "team" setting is ignored, so team budgets count this machine\'s spend only; every other setting still applies';
  return unknownKey ? 'it is ignored; every other setting still applies' : `${pathText(part)} is ignored (its default applies); every other setting still applies`;
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}: ${p.key}: ${p.message} (fix: ${p.fix})`;
}

// Prompts, tool inputs and results hold secrets. Before anything is stored (ledger or spool) the
// `privacy` setting decides: `full` keeps text, `redacted` (default) masks secrets, `metadata`
// keeps no free text at all (ids, names, numbers and sizes only).
//
// Payloads are hostile input: every scan here is linear in the text. No pattern may scan far
// and then fail from many start positions; the ones that name a secret (`password=…`, URLs) are
// hand-written scanners that never look at a character twice, and structures are walked with an
// explicit stack, so 1 MB strings and 10,000 levels of nesting cost milliseconds, not the hook.
import { sensitiveKey } from './secret-keys';
import { maskNamedSecrets } from './named-secrets';

export type PrivacyMode = 'full' | 'redacted' | 'metadata';

export const MASK = '[REDACTED]';

// Known credential shapes. Each starts only where a run of its own characters starts (the
// lookbehinds), or reads a bounded prefix, so a long run is tried once, not from each position.
const SECRET_PATTERNS: Array<[hints: string[], pattern: RegExp]> = [
  [['-----BEGIN '], /-----BEGIN [A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)?-----|$)/g],
  [['sk-ant-'], /(?<![\w-])sk-ant-[\w-]{16,}/g], // Anthropic
  [['sk-'], /(?<![\w-])sk-(?:proj-|svcacct-)?[\w-]{20,}/g], // OpenAI-style
  [['AKIA', 'ASIA'], /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g], // AWS access key id
  [['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], /(?<!\w)gh[pousr]_[A-Za-z0-9]{36,}/g], // GitHub tokens
  [['github_pat_'], /(?<!\w)github_pat_\w{40,}/g],
  [['glpat-'], /(?<![\w-])glpat-[\w-]{20,}/g], // GitLab
  [['xox'], /(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,}/g], // Slack
  [['AIza'], /(?<![\w-])AIza[\w-]{35}/g], // Google API key
  [['k_live_', 'k_test_'], /(?<!\w)[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g], // Stripe
  [['npm_'], /(?<!\w)npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g], // npm
  [['eyJ'], /(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/g], // JWT
  [['hf_'], /(?<!\w)hf_[A-Za-z0-9]{30,}/g], // Hugging Face
  [['ya29.'], /(?<![\w.])ya29\.[\w-]{20,}/g], // Google OAuth access token
  [['dop_v1_'], /(?<!\w)dop_v1_[a-f0-9]{64}(?![a-f0-9])/g], // DigitalOcean
  [['hooks.slack.com'], /https:\/\/hooks\.slack\.com\/services\/[\w/-]+/g], // Slack webhook
];
// Secrets told by their place on a command line rather than by a name.
const FLAG_PATTERNS: Array<[hints: string[], pattern: RegExp]> = [
  [['Bearer'], /((?<![\w.-])Bearer[ \t]{1,16})([\w.~+/=-]{16,})/g], // a bearer token wherever it is written
  [['--'], /(--(?:password|passwd|token|secret|api-key)[\s=]{1,8}["']?)([^\s"']{4,})/gi], // CLI flags
  [['-u'], /((?:\s-u|--user)[\s=]{1,8}["']?[^\s:"'=]{1,256}:)([^\s"']{3,})/g], // curl -u user:password
];

// Each pattern and scanner needs one of these literal markers, so a string with none of them (most
// ids, paths and names in a payload) skips them all. Literals only: a union of the patterns
// themselves costs ~2 ms per hook to compile and scan. Add a marker with every new pattern.
const MARKERS = /-----begin|sk-|akia|asia|gh[pousr]_|github_pat_|glpat-|xox|aiza|k_live_|k_test_|npm_|eyj|hf_|ya29\.|dop_v1_|hooks\.slack\.com|:\/\/|:\\\/\\\/|auth|bearer|pass|pwd|secret|token|api|access|private|credential|cookie|-u/i;

export function redactText(text: string): string {
  if (text.length < 8 || !MARKERS.test(text)) return text;
  let out = text;
  // A literal hint (a SIMD `includes`) spares a text the patterns that cannot match it.
  const hinted = (hints: string[]) => hints.some((h) => out.includes(h));
  for (const [hints, re] of SECRET_PATTERNS) if (hinted(hints)) out = out.replace(re, MASK);
  out = maskNamedSecrets(out, MASK);
  for (const [hints, re] of FLAG_PATTERNS) if (hinted(hints)) out = out.replace(re, `$1${MASK}`); // a template, not a callback: V8's fast path
  return out;
}

// Under `metadata`, these keys keep their values: they identify, they do not tell.
const METADATA_KEEP = new Set([
  'session_id', 'transcript_path', 'cwd', 'prompt_id', 'permission_mode', 'hook_event_name', 'agent_id', 'agent_type', 'tool_name',
  'tool_use_id', 'source', 'reason', 'subagent_type', 'run_in_background', 'model', 'status', 'agentId', 'agentType', 'resolvedModel',
  'totalTokens', 'totalDurationMs', 'totalToolUseCount', 'duration_ms', 'is_interrupt', 'isAsync', 'agent_transcript_path', 'stop_hook_active',
  'usage', 'input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'level', 'effort',
]);

// Deeper than this, a subtree is stored as a note: serialising (JSON.stringify is recursive) would
// overflow the stack near 5,000 levels and lose the whole event. No real payload comes close.
export const MAX_DEPTH = 1000;

/** A copy of `value` with every subtree deeper than MAX_DEPTH replaced by a note; nothing else changes. */
export function boundDepth<T>(value: T): T {
  return walk(value, 'full') as T;
}

/** A copy of `value` fit to store under `mode` (under `full` too: depth is bounded in every mode). */
export function redact<T>(value: T, mode: PrivacyMode): T {
  return walk(value, mode) as T;
}

/**
 * One value still to copy: where its copy goes, whether `metadata` keeps its text, and whether a
 * key above it names a secret (`text`: every string below is masked; `all`: numbers too).
 */
interface Pending {
  value: unknown;
  into: Record<string, unknown> | unknown[];
  at: string | number;
  keep: boolean;
  secret: 'no' | 'text' | 'all';
  depth: number;
}

// Iterative: a payload nested 10,000 deep must not overflow the stack and lose the event.
function walk(root: unknown, mode: PrivacyMode): unknown {
  const box: unknown[] = [undefined];
  const stack: Pending[] = [{ value: root, into: box, at: 0, keep: true, secret: 'no', depth: 0 }];
  const full = mode === 'full';
  while (stack.length) {
    const { value, into, at, keep, secret, depth } = stack.pop()!;
    let copy: unknown = value;
    if (value && typeof value === 'object' && depth >= MAX_DEPTH) {
      copy = `[nested deeper than ${MAX_DEPTH} levels]`;
    } else if (typeof value === 'string') {
      if (full) copy = value;
      else if (secret !== 'no') copy = MASK;
      else if (mode === 'metadata' && !keep) copy = `[${value.length} chars]`;
      else copy = redactText(value);
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      if (secret === 'all') copy = MASK;
    } else if (Array.isArray(value)) {
      const out: unknown[] = new Array(value.length);
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], into: out, at: i, keep: keep && mode !== 'metadata', secret, depth: depth + 1 });
      copy = out;
    } else if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      const children: Pending[] = [];
      const masked = new Map<string, number>();
      for (const [k, v] of Object.entries(value)) {
        // Keys can hold secrets too (a map keyed by token); a masked key keeps its value apart.
        const key = full ? k : maskKey(k, out, masked);
        setOwn(out, key, undefined); // keeps the key order while the value is still being copied
        const named = full ? 'no' : sensitiveKey(k);
        const below = secret === 'all' || named === 'all' ? 'all' : secret === 'text' || named === 'text' ? 'text' : 'no';
        children.push({ value: v, into: out, at: key, keep: mode === 'metadata' ? METADATA_KEEP.has(k) || (keep && k === 'level') : true, secret: below, depth: depth + 1 });
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      copy = out;
    }
    if (Array.isArray(into)) into[at as number] = copy;
    else setOwn(into, at as string, copy);
  }
  return box[0];
}

// `__proto__` arrives as an ordinary key from JSON.parse; plain assignment would set the prototype.
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function maskKey(key: string, taken: Record<string, unknown>, counters: Map<string, number>): string {
  const masked = redactText(key);
  if (masked === key) return key;
  let i = counters.get(masked) ?? 1;
  let unique = i === 1 ? masked : `${masked}#${i}`;
  while (Object.prototype.hasOwnProperty.call(taken, unique)) unique = `${masked}#${++i}`;
  counters.set(masked, i + 1);
  return unique;
}

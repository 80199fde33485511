// Prompts, tool inputs and results hold secrets. Before anything is stored (ledger or spool) the
// `privacy` setting decides: `full` keeps text, `redacted` (default) masks known secret shapes,
// `metadata` keeps no free text at all (ids, names, numbers and sizes only).
export type PrivacyMode = 'full' | 'redacted' | 'metadata';

// Each pattern is a known credential shape; the first group, when present, is kept as context.
const SECRET_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g, // Anthropic
  /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, // OpenAI-style
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bnpm_[A-Za-z0-9]{36}\b/g, // npm
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\bya29\.[A-Za-z0-9_-]{20,}/g, // Google OAuth access token
  /\bdop_v1_[a-f0-9]{64}\b/g, // DigitalOcean
  /\bhttps:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g, // Slack webhook
];
// Secrets that sit next to a telling name: keep the name, mask the value.
const CONTEXT_PATTERNS: RegExp[] = [
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi, // password in a URL
  /(\bAuthorization:\s*(?:Bearer|Basic|Token)\s+)([A-Za-z0-9._~+/=-]{8,})/gi,
  /(\bBearer\s+)([A-Za-z0-9._~+/=-]{16,})/g,
  // A telling word anywhere in the name (AWS_SECRET_ACCESS_KEY=, "db_password": , X-Api-Key:), but
  // not a plural like `tokens: 12`.
  /(\b[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)(?:[_.-][\w.-]*)?["']?\s*[:=]\s*["']?)([^\s"',;]{4,})/gi,
  /(--(?:password|passwd|token|secret|api-key)[\s=]+["']?)([^\s"']{4,})/gi, // CLI flags
  /((?:\s-u|--user)[\s=]+["']?[^\s:"']+:)([^\s"']{3,})/g, // curl -u user:password
];

export const MASK = '[REDACTED]';

// Each pattern above needs one of these literal markers, so a string with none of them (most
// ids, paths and names in a payload) skips the patterns. Literals only: a union of the patterns
// themselves costs ~2 ms per hook to compile and scan. Add a marker with every new pattern.
const MARKERS = /-----begin|sk-|akia|asia|gh[pousr]_|github_pat_|glpat-|xox|aiza|k_live_|k_test_|npm_|eyj|hf_|ya29\.|dop_v1_|hooks\.slack\.com|:\/\/|authorization|bearer|pass|pwd|secret|token|api|access|private|credential|-u/i;

export function redactText(text: string): string {
  if (text.length < 8 || !MARKERS.test(text)) return text;
  let out = text;
  for (const re of SECRET_PATTERNS) out = out.replace(re, MASK);
  for (const re of CONTEXT_PATTERNS) out = out.replace(re, (_m, pre: string, _secret: string, post?: string) => `${pre}${MASK}${typeof post === 'string' ? post : ''}`);
  return out;
}

// Under `metadata`, these keys keep their values: they identify, they do not tell.
const METADATA_KEEP = new Set([
  'session_id', 'transcript_path', 'cwd', 'prompt_id', 'permission_mode', 'hook_event_name', 'agent_id', 'agent_type', 'tool_name',
  'tool_use_id', 'source', 'reason', 'subagent_type', 'run_in_background', 'model', 'status', 'agentId', 'agentType', 'resolvedModel',
  'totalTokens', 'totalDurationMs', 'totalToolUseCount', 'duration_ms', 'is_interrupt', 'isAsync', 'agent_transcript_path', 'stop_hook_active',
  'usage', 'input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'level', 'effort',
]);

/** A copy of `value` fit to store under `mode`. */
export function redact<T>(value: T, mode: PrivacyMode): T {
  if (mode === 'full') return value;
  return walk(value, mode, true) as T;
}

function walk(value: unknown, mode: PrivacyMode, keep: boolean): unknown {
  if (typeof value === 'string') {
    if (mode === 'metadata' && !keep) return `[${value.length} chars]`;
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, mode, keep && mode !== 'metadata'));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // Keys can hold secrets too (a map keyed by token); a masked key keeps its value apart.
    for (const [k, v] of Object.entries(value)) out[maskKey(k, out)] = walk(v, mode, mode === 'metadata' ? METADATA_KEEP.has(k) || (keep && k === 'level') : true);
    return out;
  }
  return value;
}

function maskKey(key: string, taken: Record<string, unknown>): string {
  const masked = redactText(key);
  if (masked === key) return key;
  let unique = masked;
  for (let i = 2; Object.prototype.hasOwnProperty.call(taken, unique); i++) unique = `${masked}#${i}`;
  return unique;
}

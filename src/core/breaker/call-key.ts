// "The same call" for loop detection: tool name plus input, with cosmetic fields dropped and
// whitespace folded, so a retry that only rewords its description is still the same call.
import { fastHash } from '../../runtime/ids';

const COSMETIC = new Set(['description', 'timeout', 'run_in_background', 'dangerouslyDisableSandbox']);

export function callKey(toolName: string, input: Record<string, unknown>): string {
  return fastHash(`${toolName}\0${stable(input, true)}`);
}

function stable(value: unknown, top = false): string {
  if (typeof value === 'string') return JSON.stringify(value.replace(/\s+/g, ' ').trim());
  if (Array.isArray(value)) return `[${value.map((v) => stable(v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => !(top && COSMETIC.has(k))).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A short human label for a call: the command, the file or the pattern it works on. */
export function callSummary(toolName: string, input: Record<string, unknown>): string {
  const pick = ['command', 'file_path', 'notebook_path', 'pattern', 'url', 'query', 'subagent_type', 'description'];
  for (const key of pick) {
    const v = input[key];
    if (typeof v === 'string' && v) return `${toolName}: ${v.replace(/\s+/g, ' ').slice(0, 160)}`;
  }
  return toolName;
}

// An mcp_tool hook cannot hand its whole payload to the tool: Claude Code 2.1.328 fills each
// `${path}` in the hook's `input` from the payload, objects as JSON text, missing values as "".
// hooks.json passes every field we read, one per argument; this puts the payload back together.
import { capDepth } from '../hooks/wire';

import { FORWARDED_FIELDS } from './forwarded-fields';
export { FORWARDED_FIELDS };

export type HookArguments = Partial<Record<keyof typeof FORWARDED_FIELDS, unknown>>;

/** The `input` block for hooks.json: `{"tool_input": "${tool_input}", …}`. */
export function hookInputTemplate(): Record<string, string> {
  return Object.fromEntries(Object.keys(FORWARDED_FIELDS).map((k) => [k, `\${${k}}`]));
}

export function rebuildPayload(args: HookArguments): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(FORWARDED_FIELDS)) {
    const raw = args[key as keyof HookArguments];
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw !== 'string') {
      payload[key] = raw;
      continue;
    }
    if (kind === 'json') payload[key] = parseJson(raw);
    else if (kind === 'boolean') payload[key] = raw === 'true';
    else if (kind === 'number') payload[key] = Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    else payload[key] = raw;
  }
  return payload;
}

// A tool's response may be plain text; only object and array JSON is taken as structure.
function parseJson(raw: string): unknown {
  const first = raw.trimStart()[0];
  if (first !== '{' && first !== '[') return raw;
  try {
    // Capped here too: the payload is serialized again before ingest, and that recurses.
    return capDepth(JSON.parse(raw));
  } catch {
    return raw;
  }
}

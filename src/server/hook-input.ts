// An mcp_tool hook cannot hand its whole payload to the tool: Claude Code 2.1.328 fills each
// `${path}` in the hook's `input` from the payload, objects as JSON text, missing values as "".
// hooks.json passes every field we read, one per argument; this puts the payload back together.
import { capDepth } from '../hooks/wire';

/** The payload fields hooks.json forwards, and how each one comes back from its string. */
export const FORWARDED_FIELDS = {
  hook_event_name: 'string',
  session_id: 'string',
  transcript_path: 'string',
  cwd: 'string',
  prompt_id: 'string',
  permission_mode: 'string',
  agent_id: 'string',
  agent_type: 'string',
  tool_name: 'string',
  tool_use_id: 'string',
  tool_input: 'json',
  tool_response: 'json',
  error: 'string',
  is_interrupt: 'boolean',
  duration_ms: 'number',
  prompt: 'string',
  last_assistant_message: 'string',
  stop_hook_active: 'boolean',
} as const;

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

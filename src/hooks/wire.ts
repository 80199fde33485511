// Hook input from bytes to a typed event: size limit, JSON, depth cap, then the schema of its kind
// (../core/hook-event.ts). Both transports use it: the command hook's stdin and the resident server's tool.
import { isHookKind, schemaFor, type WireEvent } from '../core/hook-event';

export type ParseResult =
  | { ok: true; event: WireEvent }
  | { ok: false; reason: string; sessionId?: string; kind?: string; newerEvent?: boolean };

// A well-formed event of a kind this version does not know: one a newer Claude Code added (2.1.332
// adds PreSkillShellCommand). Not malformed: counted in the ledger by name, not logged.
const EVENT_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

/** Raw stdin text to a typed event, or the one-line reason it is malformed. */
export function parseHookInput(text: string, maxBytes = 8 * 1024 * 1024): ParseResult {
  if (text.trim() === '') return { ok: false, reason: 'empty input on stdin' };
  if (text.length > maxBytes) return { ok: false, reason: `payload of ${text.length} bytes is over the ${maxBytes}-byte limit` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `input is not JSON (${(err as Error).message})` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'input is not a JSON object' };
  const obj = capDepth(raw as Record<string, unknown>);
  const sessionId = typeof obj.session_id === 'string' ? obj.session_id : undefined;
  const name = obj.hook_event_name;
  if (!isHookKind(name)) {
    const newerEvent = typeof name === 'string' && EVENT_NAME.test(name) && typeof sessionId === 'string' && sessionId.length > 0;
    return { ok: false, reason: `unknown hook event ${JSON.stringify(name ?? null).slice(0, 60)}`, sessionId, kind: typeof name === 'string' ? name : undefined, newerEvent };
  }
  const parsed = schemaFor(name).safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    return { ok: false, reason: `${name} payload: ${where}: ${issue?.message ?? 'invalid'}`, sessionId, kind: name };
  }
  return { ok: true, event: parsed.data as WireEvent };
}

/** Deeper than this, a payload's subtrees are replaced by a marker (see capDepth). */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * JSON.parse takes any depth, but JSON.stringify, validation and redaction recurse: 5,000 levels
 * overflow the stack and the event would be lost. No hook field needs more than a few levels, so
 * containers nested deeper than MAX_PAYLOAD_DEPTH become a marker string, in one iterative pass.
 */
export function capDepth<T extends object>(root: T, max = MAX_PAYLOAD_DEPTH): T {
  const stack: Array<[Record<string, unknown> | unknown[], number]> = [[root as Record<string, unknown>, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    const keys = Array.isArray(node) ? node.keys() : Object.keys(node);
    for (const k of keys) {
      const child = (node as Record<string | number, unknown>)[k];
      if (child === null || typeof child !== 'object') continue;
      if (depth >= max) (node as Record<string | number, unknown>)[k] = `[nested deeper than ${max} levels; not kept]`;
      else stack.push([child as Record<string, unknown>, depth + 1]);
    }
  }
  return root;
}

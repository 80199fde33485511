// Every kind of event the ledger holds, as one closed list, each with the schema of its payload
// (the payload's TypeScript type is inferred from it). Adding a kind here without a projection for
// it in ./project.ts fails type-checking (test/types/projection-table.ts proves it).
//
// Payloads are stored as written and read back without validation (a rebuild reads millions), so
// the schemas are loose: fields the projections read are named and typed, anything else is kept
// (the elements of lists are checked for the fields named only).
// test/unit/event-kinds.test.ts checks that what the hooks, the CLI and the importer really write
// satisfies these schemas. Built on first use, one kind at a time, like the wire schemas.
import * as z from 'zod/mini';

/** What Claude Code's hooks send: recorded as received (redacted), one kind per hook event. */
export const HOOK_EVENT_KINDS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd'] as const;

/** Facts agent-warden derives or is told: transcript reads, decisions, CLI actions, imports, snapshots. */
export const DERIVED_EVENT_KINDS = [
  'malformed',
  'unhandled_hook',
  'transcript_usage',
  'transcript_calls',
  'agent_transcript',
  'agent_link',
  'agent_usage',
  'decision',
  'prompt_tokens',
  'budget_override',
  'spawn_override',
  'breaker_reset',
  'session_imported',
  'rate_limits',
  'window_lift',
] as const;

export const EVENT_KINDS = [...HOOK_EVENT_KINDS, ...DERIVED_EVENT_KINDS] as const;
export type HookEventKind = (typeof HOOK_EVENT_KINDS)[number];
export type EventKind = (typeof EVENT_KINDS)[number];

const kindSet: ReadonlySet<string> = new Set(EVENT_KINDS);
export const isEventKind = (kind: unknown): kind is EventKind => typeof kind === 'string' && kindSet.has(kind);

const str = () => z.optional(z.string());
const num = () => z.optional(z.number());
const bool = () => z.optional(z.boolean());
const nstr = () => z.optional(z.nullable(z.string()));

const usageMessage = () =>
  z.object({ id: z.string(), model: str(), ts: num(), input: z.number(), output: z.number(), cacheWrite5m: z.number(), cacheWrite1h: z.number(), cacheRead: z.number() });

/** Facts the hook computes from the live input before redaction (./projections read them). */
const wardenFacts = () => z.optional(z.looseObject({ call_key: str(), summary: str(), prompt_tokens: num(), context_files: z.optional(z.array(z.unknown())) }));

// Stored hook payloads: the wire event after redaction, plus `_warden`. Redaction may have
// replaced any value, so only the envelope is typed strictly.
const envelope = () => ({
  hook_event_name: z.string(),
  session_id: z.string(),
  transcript_path: str(),
  cwd: str(),
  prompt_id: str(),
  agent_id: str(),
  agent_type: str(),
  _warden: wardenFacts(),
});
type Envelope = ReturnType<typeof envelope>;
const hook = <S extends z.core.$ZodLooseShape>(extra: S) => z.looseObject({ ...envelope(), ...extra } as Omit<Envelope, keyof S> & S);
const toolHook = <S extends z.core.$ZodLooseShape>(extra: S) =>
  hook({ tool_name: z.string(), tool_use_id: z.string(), tool_input: z.optional(z.record(z.string(), z.unknown())), ...extra });

const circuit = () =>
  z.object({
    key: z.string(),
    kind: z.string(),
    label: str(),
    state: z.string(),
    failures: num(),
    opened_at: z.optional(z.nullable(z.number())),
    cooldown_ms: z.optional(z.nullable(z.number())),
    last_error: z.optional(z.nullable(z.string())),
    trial_tool_use_id: z.optional(z.nullable(z.string())),
  });
const outcome = { status: z.string(), error: str() };

const builders = {
  SessionStart: () => hook({ source: str(), model: str() }),
  UserPromptSubmit: () => hook({ prompt: z.optional(z.unknown()) }),
  PreToolUse: () => toolHook({}),
  PostToolUse: () => toolHook({ tool_response: z.optional(z.unknown()), duration_ms: num() }),
  PostToolUseFailure: () => toolHook({ error: str(), is_interrupt: bool(), duration_ms: num() }),
  SubagentStart: () => hook({ agent_id: z.string() }),
  SubagentStop: () => hook({ agent_id: z.string(), agent_transcript_path: str(), last_assistant_message: str(), stop_hook_active: bool() }),
  Stop: () => hook({ last_assistant_message: str(), stop_hook_active: bool() }),
  SessionEnd: () => hook({ reason: str() }),

  /** Input that is not a hook event: why, its size and a redacted excerpt. */
  malformed: () => z.looseObject({ reason: z.string(), bytes: z.number(), text: z.string() }),
  /** A hook event of a kind a newer Claude Code sends: its name and size only. */
  unhandled_hook: () => z.looseObject({ hook_event_name: z.string(), bytes: z.number() }),
  /** New assistant messages read from the main transcript. */
  transcript_usage: () =>
    z.looseObject({ offset_start: z.number(), offset_end: z.number(), messages: z.array(usageMessage()), cost_state: z.optional(z.unknown()), skipped_lines: num() }),
  /** Tool calls read from a transcript (the main thread's at a turn's end, or a subagent's). */
  transcript_calls: () =>
    z.looseObject({
      agent_id: str(),
      offset_end: z.number(),
      calls: z.array(z.object({ tool_use_id: z.string(), tool_name: z.string(), call_key: str(), summary: str(), ts: num(), ...outcome, dispatch: z.optional(z.record(z.string(), z.unknown())) })),
      late_results: z.optional(z.array(z.object({ tool_use_id: z.string(), ...outcome }))),
    }),
  /** A finished subagent's whole transcript. */
  agent_transcript: () =>
    z.looseObject({
      agent_id: z.string(),
      agent_type: str(),
      tool_use_id: str(),
      parent_agent_id: str(),
      transcript_path: str(),
      bytes: z.number(),
      messages: z.array(usageMessage()),
      first_ts: num(),
      last_ts: num(),
      tool_uses: num(),
      files_written: z.optional(z.array(z.string())),
      model: str(),
      finished: bool(),
      skipped_lines: num(),
    }),
  /** `agent-<id>.meta.json`: which tool call started an agent, its parent, its depth. */
  agent_link: () => z.looseObject({ agent_id: z.string(), tool_use_id: z.string(), parent_agent_id: str(), spawn_depth: num() }),
  /** A running subagent's new messages, read at its own tool calls. */
  agent_usage: () =>
    z.looseObject({ agent_id: z.string(), agent_type: str(), transcript_path: str(), offset_start: z.number(), offset_end: z.number(), messages: z.array(usageMessage()) }),
  /** A PreToolUse decision: denial, ask, reservation, rewrite, circuit changes, notices. */
  decision: () =>
    z.looseObject({
      tool_use_id: z.string(),
      tool_name: z.string(),
      deny: z.boolean(),
      policy: str(),
      reason: str(),
      ask: bool(),
      ask_reason: str(),
      dispatch: z.optional(
        z.looseObject({ reserved_tokens: num(), via_proxy: bool(), agent_type: str(), governance: str(), governance_reason: str() }),
      ),
      rewritten: z.boolean(),
      context: str(),
      circuits: z.array(circuit()),
      notices: z.array(z.object({ budget_key: z.string(), window_start: z.number(), threshold: z.number() })),
      updated_input: z.optional(z.unknown()),
    }),
  /** The exact cl100k size of a dispatch prompt, counted off the blocking path. */
  prompt_tokens: () => z.looseObject({ tool_use_id: z.string(), tokens: z.number() }),
  budget_override: () => z.looseObject({ session_id: nstr(), budget_id: nstr(), add_tokens: num(), add_usd: num(), note: nstr() }),
  spawn_override: () => z.looseObject({ session_id: nstr(), cap: z.string(), add: z.number(), note: nstr() }),
  breaker_reset: () => z.looseObject({ session_id: nstr(), key: nstr(), all: bool() }),
  /** A session read from Claude Code's history by `agent-warden import`. */
  session_imported: () => z.looseObject({ cwd: z.optional(z.nullable(z.string())), transcript_path: str(), first_ts: z.optional(z.nullable(z.number())), last_ts: num() }),
  /** Claude Code's rate-limit windows, from its status line. */
  rate_limits: () => z.looseObject({ windows: z.array(z.object({ window: z.string(), used_percentage: z.number(), resets_at: z.number() })) }),
  window_lift: () => z.looseObject({ session_id: z.string(), window: z.string(), note: nstr() }),
} satisfies { [K in EventKind]: () => z.ZodMiniType };

type Schemas = { [K in EventKind]: ReturnType<(typeof builders)[K]> };
export type EventPayloads = { [K in EventKind]: z.output<Schemas[K]> };

const built: Partial<Schemas> = {};
/** The payload schema of one kind (built on first use). */
export function payloadSchema<K extends EventKind>(kind: K): Schemas[K] {
  return (built[kind] ??= builders[kind]() as Schemas[K]) as Schemas[K];
}

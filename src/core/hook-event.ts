// The hook events the core accepts: what Claude Code sends, as loose as the contract allows (unknown
// fields are kept, since payloads grow between releases) and only the fields we act on are checked.
// Reading them from bytes (size, JSON, depth, kinds a newer Claude Code adds) is the adapters' job: ../hooks/wire.ts.
import * as z from 'zod/mini';
import { HOOK_EVENT_KINDS, type HookEventKind } from '../ledger/event-kinds';
import { isAgentTool, requestedAgentType } from '../runtime/agent-tool';

const str = () => z.optional(z.string());

// Built on first use, one event kind at a time: a hook parses one event, and building every
// schema at start would cost each hook process its construction time.
const fields = () => {
  const common = {
    session_id: z.string().check(z.minLength(1)),
    transcript_path: str(),
    cwd: str(),
    prompt_id: str(),
    permission_mode: str(),
    agent_id: str(),
    agent_type: str(),
  };
  const tool = {
    ...common,
    tool_name: z.string(),
    tool_input: z._default(z.record(z.string(), z.unknown()), {}),
    tool_use_id: z.string().check(z.minLength(1)),
  };
  return { common, tool };
};

const builders = {
  SessionStart: () => z.looseObject({ ...fields().common, hook_event_name: z.literal('SessionStart'), source: str(), model: str() }),
  UserPromptSubmit: () => z.looseObject({ ...fields().common, hook_event_name: z.literal('UserPromptSubmit'), prompt: str() }),
  PreToolUse: () => z.looseObject({ ...fields().tool, hook_event_name: z.literal('PreToolUse') }),
  PostToolUse: () =>
    z.looseObject({
      ...fields().tool,
      hook_event_name: z.literal('PostToolUse'),
      tool_response: z.optional(z.unknown()),
      duration_ms: z.optional(z.number()),
    }),
  PostToolUseFailure: () =>
    z.looseObject({
      ...fields().tool,
      hook_event_name: z.literal('PostToolUseFailure'),
      error: z._default(z.string(), ''),
      is_interrupt: z.optional(z.boolean()),
      duration_ms: z.optional(z.number()),
    }),
  SubagentStart: () =>
    z.looseObject({
      ...fields().common,
      hook_event_name: z.literal('SubagentStart'),
      agent_id: z.string().check(z.minLength(1)),
    }),
  SubagentStop: () =>
    z.looseObject({
      ...fields().common,
      hook_event_name: z.literal('SubagentStop'),
      agent_id: z.string().check(z.minLength(1)),
      agent_transcript_path: str(),
      last_assistant_message: str(),
      stop_hook_active: z.optional(z.boolean()),
    }),
  Stop: () => z.looseObject({ ...fields().common, hook_event_name: z.literal('Stop'), last_assistant_message: str() }),
  SessionEnd: () => z.looseObject({ ...fields().common, hook_event_name: z.literal('SessionEnd'), reason: str() }),
} as const satisfies { [K in HookEventKind]: () => z.ZodMiniType };

type Schemas = { [K in keyof typeof builders]: ReturnType<(typeof builders)[K]> };
const built: Partial<Schemas> = {};

export function schemaFor<K extends HookKind>(kind: K): Schemas[K] {
  return (built[kind] ??= builders[kind]() as Schemas[K]) as Schemas[K];
}

export type HookKind = HookEventKind;
export const hookKinds: readonly HookKind[] = HOOK_EVENT_KINDS;
export type WireEvent = { [K in HookKind]: z.output<Schemas[K]> }[HookKind];
export type WireOf<K extends HookKind> = z.output<Schemas[K]>;

export function isHookKind(name: unknown): name is HookKind {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(builders, name);
}

/** A hook event as the core works with it: the fields it acts on, read once from the wire payload. */
export interface HookEvent {
  kind: HookKind;
  sessionId: string;
  transcriptPath?: string;
  cwd?: string;
  /** The subagent the event comes from (none on the main thread), or the one a SubagentStart/Stop is about. */
  agentId?: string;
  agentType?: string;
  /** The tool call of a PreToolUse, PostToolUse or PostToolUseFailure. */
  tool?: { name: string; useId: string; input: Record<string, unknown> };
  /** For a dispatch (an Agent or Task call): the agent type it asks for, `general-purpose` when it names none. */
  dispatchType?: string;
  /** The payload as received: what the log keeps (redacted). */
  wire: WireEvent;
}

export function toHookEvent(wire: WireEvent): HookEvent {
  const tool = isToolEvent(wire) ? { name: wire.tool_name, useId: wire.tool_use_id, input: wire.tool_input } : undefined;
  return {
    kind: wire.hook_event_name,
    sessionId: wire.session_id,
    transcriptPath: wire.transcript_path,
    cwd: wire.cwd,
    agentId: wire.agent_id,
    agentType: wire.agent_type,
    tool,
    dispatchType: tool && isAgentTool(tool.name) ? requestedAgentType(tool.input) : undefined,
    wire,
  };
}

export type ToolEvent = WireOf<'PreToolUse'> | WireOf<'PostToolUse'> | WireOf<'PostToolUseFailure'>;
export const isToolEvent = (wire: WireEvent): wire is ToolEvent =>
  wire.hook_event_name === 'PreToolUse' || wire.hook_event_name === 'PostToolUse' || wire.hook_event_name === 'PostToolUseFailure';

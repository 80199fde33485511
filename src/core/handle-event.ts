// The core of every hook: (event, ledger state, config) -> recorded facts + a decision.
// Adapters (the command hook on stdin, the resident MCP server) parse input and print output;
// everything in between happens here, inside one write transaction so that concurrent hooks
// see each other's reservations and the log keeps the order things happened in.
import { callKey, callSummary } from './breaker/call-key';
import { fastHash } from '../runtime/ids';
import { isMetered, type Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import type { NewEvent, StoredEvent } from '../ledger/events';
import type { EventPayloads, HookEventKind } from '../ledger/event-kinds';
import { record } from '../ledger/project';
import { redact, redactText } from '../runtime/privacy/redact';
import { estimateTokens } from '../runtime/tokens/estimate';
import { agentFactsFor, mainTranscriptFact, staleRunFacts } from './agent-facts';
import { awaitCallFlushed } from '../runtime/tokens/await-flush';
import { filesNamedIn } from './context-files';
import { liveAgentFacts } from './live-agent-facts';
import { transcriptCallsFact } from './transcript-calls';
import type { PreToolCall, PreToolPolicy, Verdict } from './policy/interface';
import { toHookEvent, type HookEvent, type WireEvent } from './hook-event';

export interface HookContext {
  db: Ledger;
  config: Config;
  project: string;
  now: number;
  source: 'command' | 'mcp' | 'spool';
  policies: PreToolPolicy[];
  /** Extra context for SessionStart (e.g. the extended-agent index). */
  sessionContext?: (ctx: HookContext, event: WireEvent) => string | undefined;
  /** Extra context after a failed tool call (e.g. did-you-mean for an unknown agent type). */
  failureContext?: (ctx: HookContext, event: WireEvent) => string | undefined;
}

export interface HookOutput {
  hookSpecificOutput?: Record<string, unknown>;
  systemMessage?: string;
}

/** Natural ids make a replayed or doubly delivered event (resident + command path) land once. */
export function eventUid(e: WireEvent): string | undefined {
  switch (e.hook_event_name) {
    case 'PreToolUse':
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return `${e.hook_event_name}:${e.session_id}:${e.tool_use_id}`;
    case 'SubagentStart':
      return `SubagentStart:${e.session_id}:${e.agent_id}`;
    // Served by the resident server too; a prompt id ties them to one turn. A background
    // subagent's <task-notification> comes back as a second UserPromptSubmit with the same
    // prompt id (2.1.328, 2.1.332): the prompt's hash keeps it a separate event.
    case 'UserPromptSubmit':
      return e.prompt_id ? `UserPromptSubmit:${e.session_id}:${e.prompt_id}:${fastHash(String(e.prompt ?? ''))}` : undefined;
    case 'Stop':
      return e.prompt_id ? `Stop:${e.session_id}:${e.prompt_id}:${e.stop_hook_active ? 1 : 0}:${fastHash(String(e.last_assistant_message ?? ''))}` : undefined;
    default:
      return undefined;
  }
}

export function handleHookEvent(ctx: HookContext, event: WireEvent, opts: { uid?: string; receivedAt?: number } = {}): HookOutput | undefined {
  const { db, config } = ctx;
  const e = toHookEvent(event);
  const receivedAt = opts.receivedAt ?? ctx.now;
  const uid = opts.uid ?? eventUid(event);
  const warden = derive(ctx, e);
  const projection = { pricing: config.pricing };
  const base = {
    receivedAt,
    sessionId: e.sessionId,
    project: ctx.project,
    source: ctx.source,
  };
  // The wire schema of its kind has checked the payload; redaction keeps its shape.
  const hookEvent = {
    ...base,
    uid,
    kind: e.kind,
    agentId: e.agentId,
    toolName: e.tool?.name,
    toolUseId: e.tool?.useId,
    payload: { ...redact(event, config.privacy), ...(warden ? { _warden: warden } : {}) },
  } as NewEvent<HookEventKind>;
  // Reads of outside files happen before taking the write lock.
  const readMain = e.transcriptPath !== undefined && needsMainSpend(e, config);
  // The main thread's own call: its reply must be in the file before its spend is read.
  if (readMain && e.kind === 'PreToolUse' && e.agentId === undefined && e.tool) awaitCallFlushed(e.transcriptPath!, e.tool.useId);
  const mainUsage = readMain ? mainTranscriptFact(db, e.sessionId, e.transcriptPath!) : undefined;
  const turnEnd = e.kind === 'Stop' || e.kind === 'SessionEnd';
  const mainCalls = turnEnd && e.transcriptPath ? transcriptCallsFact(db, e.sessionId, e.transcriptPath, config) : undefined;
  // Rereading finished subagents' transcripts (a stat per run) stays off the per-call path, except
  // at a dispatch: its budget check needs every finished run in full, and the resident server may
  // have read a run at SubagentStop before Claude Code flushed its last lines.
  const perCall = (e.kind === 'PreToolUse' && e.dispatchType === undefined) || e.kind === 'PostToolUseFailure';
  const agentFacts = [...agentFactsFor(e, config), ...liveAgentFacts(db, config, e), ...(perCall ? [] : staleRunFacts(db, config, { sessionId: e.sessionId }))];
  const failureNote = e.kind === 'PostToolUseFailure' ? ctx.failureContext?.(ctx, event) : undefined;

  return db
    .transaction((): HookOutput | undefined => {
      const stored = record(db, hookEvent, projection);
      if (!stored) return uid ? earlierOutput(ctx, e) : undefined;
      if (mainUsage) record(db, { ...base, kind: 'transcript_usage', payload: mainUsage }, projection);
      if (mainCalls) record(db, { ...base, kind: 'transcript_calls', payload: mainCalls }, projection);
      for (const fact of agentFacts) record(db, { ...base, ...fact, project: fact.project ?? ctx.project, agentId: fact.payload.agent_id }, projection);
      if (e.kind === 'PreToolUse' && ctx.source !== 'spool') return decide(ctx, stored, e, warden);
      if (e.kind === 'SessionStart') {
        const context = ctx.sessionContext?.(ctx, event);
        return context ? { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: context } } : undefined;
      }
      if (failureNote) return { hookSpecificOutput: { hookEventName: 'PostToolUseFailure', additionalContext: failureNote } };
      return undefined;
    })
    .immediate();
}

function decide(ctx: HookContext, stored: StoredEvent, event: HookEvent, warden: WardenFacts | undefined): HookOutput | undefined {
  const call = toCall(ctx, event, warden);
  const isDispatch = call.isDispatch;
  const verdicts: Verdict[] = [];
  for (const policy of ctx.policies) {
    const v = policy({ db: ctx.db, config: ctx.config, now: ctx.now }, call);
    if (!v) continue;
    verdicts.push(v);
    if (v.deny) break; // the first denial decides; later policies need not reserve anything
  }
  const denial = verdicts.find((v) => v.deny)?.deny;
  const ask = denial ? undefined : verdicts.find((v) => v.ask)?.ask;
  const dispatch = isDispatch ? Object.assign({}, ...verdicts.map((v) => v.dispatch ?? {})) : undefined;
  if (dispatch && denial) Object.assign(dispatch, { governance: 'denied', governance_reason: denial.reason });
  else if (dispatch && ask) Object.assign(dispatch, { governance: 'asked', governance_reason: ask.reason });
  const updatedInput = denial ? undefined : mergedInput(call.toolInput, verdicts);
  const context = verdicts.map((v) => v.context).filter(Boolean).join('\n') || undefined;
  const decision = {
    tool_use_id: call.toolUseId,
    tool_name: call.toolName,
    deny: Boolean(denial),
    policy: denial?.policy,
    reason: denial?.reason,
    ask: ask ? true : undefined,
    ask_reason: ask?.reason,
    dispatch,
    rewritten: Boolean(updatedInput),
    context,
    circuits: verdicts.flatMap((v) => v.circuits ?? []),
    notices: verdicts.flatMap((v) => v.notices ?? []),
  };
  if (decision.deny || decision.ask || decision.dispatch || decision.rewritten || decision.context || decision.circuits.length || decision.notices.length) {
    record(ctx.db, { receivedAt: stored.receivedAt, sessionId: call.sessionId, project: ctx.project, source: ctx.source, kind: 'decision', toolUseId: call.toolUseId, toolName: call.toolName, payload: { ...decision, updated_input: updatedInput && redact(updatedInput, ctx.config.privacy) } }, { pricing: ctx.config.pricing });
  }
  return preToolOutput(denial?.reason, context, updatedInput, ask?.reason);
}

/** Rewrites of several policies (a budget's model downgrade, a proxy's agent type) combine: each keeps the keys it changed. */
function mergedInput(original: Record<string, unknown>, verdicts: Verdict[]): Record<string, unknown> | undefined {
  const rewrites = verdicts.map((v) => v.updatedInput).filter((u): u is Record<string, unknown> => Boolean(u));
  if (rewrites.length <= 1) return rewrites[0];
  const merged: Record<string, unknown> = { ...original };
  for (const r of rewrites) for (const [k, v] of Object.entries(r)) if (v !== original[k]) merged[k] = v;
  return merged;
}

/** A PreToolUse as the policies see it. */
function toCall(ctx: HookContext, event: HookEvent, warden: WardenFacts | undefined): PreToolCall {
  const tool = event.tool!;
  return {
    sessionId: event.sessionId,
    project: ctx.project,
    agentId: event.agentId ?? '',
    toolName: tool.name,
    toolInput: tool.input,
    toolUseId: tool.useId,
    callKey: warden?.call_key ?? callKey(tool.name, tool.input),
    isDispatch: event.dispatchType !== undefined,
    agentType: event.dispatchType,
    promptTokens: warden?.prompt_tokens,
  };
}

function preToolOutput(denyReason: string | undefined, context: string | undefined, updatedInput: Record<string, unknown> | undefined, askReason?: string): HookOutput | undefined {
  if (!denyReason && !context && !updatedInput && !askReason) return undefined;
  const out: Record<string, unknown> = { hookEventName: 'PreToolUse' };
  if (denyReason) {
    out.permissionDecision = 'deny';
    out.permissionDecisionReason = denyReason;
  } else if (askReason) {
    out.permissionDecision = 'ask';
    out.permissionDecisionReason = askReason;
  }
  if (updatedInput) out.updatedInput = updatedInput;
  if (context) out.additionalContext = context;
  return { hookSpecificOutput: out };
}

/**
 * The same PreToolUse seen again (the other delivery path): answer as the first time. A rewrite is
 * made again from the live input rather than read back, because the stored copy is redacted.
 */
function earlierOutput(ctx: HookContext, event: HookEvent): HookOutput | undefined {
  if (event.kind !== 'PreToolUse') return undefined;
  const row = ctx.db.prepare(`SELECT payload FROM events WHERE kind = 'decision' AND session_id = ? AND tool_use_id = ? ORDER BY seq DESC LIMIT 1`).get(event.sessionId, event.tool?.useId) as { payload: string } | undefined;
  if (!row) return undefined;
  const d = JSON.parse(row.payload);
  let updatedInput: Record<string, unknown> | undefined;
  if (d.rewritten && !d.deny) {
    const call = toCall(ctx, event, undefined);
    const verdicts = ctx.policies.map((policy) => policy({ db: ctx.db, config: ctx.config, now: ctx.now }, call) ?? {});
    updatedInput = mergedInput(call.toolInput, verdicts);
  }
  return preToolOutput(d.deny ? d.reason : undefined, d.context, updatedInput, d.ask && !d.deny ? d.ask_reason : undefined);
}

/**
 * The per-call path does only what the decision needs (issue 20). The main thread's new messages
 * are read at every event except a plain tool call when no metered budget could act on it, and a
 * failed call: Stop, SubagentStop, SessionEnd and catch-up read them anyway, so nothing is lost,
 * only counted at the turn's end instead of at each call.
 */
function needsMainSpend(event: HookEvent, config: Config): boolean {
  if (event.kind === 'PostToolUseFailure') return false;
  if (event.kind !== 'PreToolUse') return true;
  return event.dispatchType !== undefined || config.budgets.some(isMetered);
}

/** Facts computed from the live input before redaction (hashes, sizes) that projections need. */
type WardenFacts = NonNullable<EventPayloads['PreToolUse']['_warden']>;

function derive(ctx: HookContext, event: HookEvent): WardenFacts | undefined {
  if ((event.kind !== 'PreToolUse' && event.kind !== 'PostToolUseFailure') || !event.tool) return undefined;
  const { name, input } = event.tool;
  const summary = callSummary(name, input);
  const out: WardenFacts = {
    call_key: callKey(name, input),
    summary: ctx.config.privacy === 'metadata' ? name : ctx.config.privacy === 'redacted' ? redactText(summary) : summary,
  };
  if (event.kind === 'PreToolUse' && event.dispatchType !== undefined && typeof input.prompt === 'string') {
    out.prompt_tokens = estimateTokens(input.prompt);
    out.context_files = filesNamedIn(input.prompt, event.cwd ?? ctx.project);
  }
  return out;
}


// The core of every hook: (event, ledger state, config) -> recorded facts + a decision.
// Adapters (the command hook on stdin, the resident MCP server) parse input and print output;
// everything in between happens here, inside one write transaction so that concurrent hooks
// see each other's reservations and the log keeps the order things happened in.
import { callKey, callSummary } from './breaker/call-key';
import { fastHash } from '../runtime/ids';
import { isMetered, type Config } from '../config/schema';
import type { Ledger } from '../ledger/db';
import { appendEvent, type NewEvent, type StoredEvent } from '../ledger/events';
import { project as projectEvent } from '../ledger/project';
import { redact, redactText } from '../privacy/redact';
import { estimateTokens } from '../tokens/estimate';
import { agentFactsFor, mainTranscriptFact, staleRunFacts } from './agent-facts';
import { filesNamedIn } from './context-files';
import { liveAgentFacts } from './live-agent-facts';
import { transcriptCallsFact } from './transcript-calls';
import type { PreToolCall, PreToolPolicy, Verdict } from './policy';
import { isAgentTool, type WireEvent } from './hook-event';

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
  const p = e as Record<string, any>;
  switch (e.hook_event_name) {
    case 'PreToolUse':
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return `${e.hook_event_name}:${e.session_id}:${p.tool_use_id}`;
    case 'SubagentStart':
      return `SubagentStart:${e.session_id}:${p.agent_id}`;
    // Served by the resident server too; a prompt id ties them to one turn. A background
    // subagent's <task-notification> comes back as a second UserPromptSubmit with the same
    // prompt id (2.1.328, 2.1.332): the prompt's hash keeps it a separate event.
    case 'UserPromptSubmit':
      return p.prompt_id ? `UserPromptSubmit:${e.session_id}:${p.prompt_id}:${fastHash(String(p.prompt ?? ''))}` : undefined;
    case 'Stop':
      return p.prompt_id ? `Stop:${e.session_id}:${p.prompt_id}:${p.stop_hook_active ? 1 : 0}:${fastHash(String(p.last_assistant_message ?? ''))}` : undefined;
    default:
      return undefined;
  }
}

export function handleHookEvent(ctx: HookContext, event: WireEvent, opts: { uid?: string; receivedAt?: number } = {}): HookOutput | undefined {
  const { db, config } = ctx;
  const receivedAt = opts.receivedAt ?? ctx.now;
  const uid = opts.uid ?? eventUid(event);
  const warden = derive(ctx, event);
  const payload = { ...redact(event as Record<string, unknown>, config.privacy), ...(warden ? { _warden: warden } : {}) };
  const base = {
    receivedAt,
    sessionId: event.session_id,
    project: ctx.project,
    source: ctx.source,
  };
  // Reads of outside files happen before taking the write lock.
  const mainUsage = event.transcript_path && needsMainSpend(event, config) ? mainTranscriptFact(db, event.session_id, event.transcript_path) : undefined;
  const turnEnd = event.hook_event_name === 'Stop' || event.hook_event_name === 'SessionEnd';
  const mainCalls = turnEnd && event.transcript_path ? transcriptCallsFact(db, event.session_id, event.transcript_path, config) : undefined;
  // Rereading finished subagents' transcripts (a stat per run) stays off the per-call path, except
  // at a dispatch: its budget check needs every finished run in full, and the resident server may
  // have read a run at SubagentStop before Claude Code flushed its last lines.
  const perCall = (event.hook_event_name === 'PreToolUse' && !isAgentTool(event.tool_name)) || event.hook_event_name === 'PostToolUseFailure';
  const agentFacts = [...agentFactsFor(event, config), ...liveAgentFacts(db, config, event), ...(perCall ? [] : staleRunFacts(db, config, { sessionId: event.session_id }))];
  const failureNote = event.hook_event_name === 'PostToolUseFailure' ? ctx.failureContext?.(ctx, event) : undefined;

  return db
    .transaction((): HookOutput | undefined => {
      const stored = appendEvent(db, {
        ...base,
        uid,
        kind: event.hook_event_name,
        agentId: (event as any).agent_id,
        toolName: (event as any).tool_name,
        toolUseId: (event as any).tool_use_id,
        payload,
      });
      if (!stored) return uid ? earlierOutput(ctx, event) : undefined;
      projectEvent(db, stored, { pricing: config.pricing });
      const derived: NewEvent[] = [];
      if (mainUsage) derived.push({ ...base, kind: 'transcript_usage', payload: mainUsage });
      if (mainCalls) derived.push({ ...base, kind: 'transcript_calls', payload: mainCalls });
      for (const fact of agentFacts) derived.push({ ...base, sessionId: fact.sessionId, project: fact.project ?? ctx.project, kind: fact.kind, agentId: fact.payload.agent_id, payload: fact.payload });
      for (const d of derived) {
        const ev = appendEvent(db, d);
        if (ev) projectEvent(db, ev, { pricing: config.pricing });
      }
      if (event.hook_event_name === 'PreToolUse' && ctx.source !== 'spool') return decide(ctx, stored, event, warden);
      if (event.hook_event_name === 'SessionStart') {
        const context = ctx.sessionContext?.(ctx, event);
        return context ? { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: context } } : undefined;
      }
      if (failureNote) return { hookSpecificOutput: { hookEventName: 'PostToolUseFailure', additionalContext: failureNote } };
      return undefined;
    })
    .immediate();
}

function decide(ctx: HookContext, stored: StoredEvent, event: WireEvent & { hook_event_name: 'PreToolUse' }, warden: Record<string, any> | undefined): HookOutput | undefined {
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
    const ev = appendEvent(ctx.db, { receivedAt: stored.receivedAt, sessionId: call.sessionId, project: ctx.project, source: ctx.source, kind: 'decision', toolUseId: call.toolUseId, toolName: call.toolName, payload: { ...decision, updated_input: updatedInput && redact(updatedInput, ctx.config.privacy) } });
    if (ev) projectEvent(ctx.db, ev, { pricing: ctx.config.pricing });
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

function toCall(ctx: HookContext, event: WireEvent & { hook_event_name: 'PreToolUse' }, warden: Record<string, any> | undefined): PreToolCall {
  const input = event.tool_input as Record<string, unknown>;
  const isDispatch = isAgentTool(event.tool_name);
  return {
    sessionId: event.session_id,
    project: ctx.project,
    agentId: event.agent_id ?? '',
    toolName: event.tool_name,
    toolInput: input,
    toolUseId: event.tool_use_id,
    callKey: warden?.call_key ?? callKey(event.tool_name, input),
    isDispatch,
    agentType: isDispatch ? (typeof input.subagent_type === 'string' && input.subagent_type) || 'general-purpose' : undefined,
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
function earlierOutput(ctx: HookContext, event: WireEvent): HookOutput | undefined {
  if (event.hook_event_name !== 'PreToolUse') return undefined;
  const row = ctx.db.prepare(`SELECT payload FROM events WHERE kind = 'decision' AND session_id = ? AND tool_use_id = ? ORDER BY seq DESC LIMIT 1`).get(event.session_id, event.tool_use_id) as { payload: string } | undefined;
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
function needsMainSpend(event: WireEvent, config: Config): boolean {
  if (event.hook_event_name === 'PostToolUseFailure') return false;
  if (event.hook_event_name !== 'PreToolUse') return true;
  return isAgentTool(event.tool_name) || config.budgets.some(isMetered);
}

/** Facts computed from the live input before redaction (hashes, sizes) that projections need. */
function derive(ctx: HookContext, event: WireEvent): Record<string, any> | undefined {
  if (event.hook_event_name !== 'PreToolUse' && event.hook_event_name !== 'PostToolUseFailure') return undefined;
  const input = (event.tool_input ?? {}) as Record<string, unknown>;
  const out: Record<string, any> = { call_key: callKey(event.tool_name, input) };
  const summary = callSummary(event.tool_name, input);
  out.summary = ctx.config.privacy === 'metadata' ? event.tool_name : ctx.config.privacy === 'redacted' ? redactText(summary) : summary;
  if (event.hook_event_name === 'PreToolUse' && isAgentTool(event.tool_name) && typeof input.prompt === 'string') {
    out.prompt_tokens = estimateTokens(input.prompt);
    out.context_files = filesNamedIn(input.prompt, event.cwd ?? ctx.project);
  }
  return out;
}


// What agent-warden exports as OpenTelemetry spans, read from the ledger: one trace per session, a
// session span (the main thread) at its root, and one span per dispatch under the span of whoever
// dispatched it (a nested subagent's dispatch under its parent dispatch's span). Plain data: the
// OpenTelemetry SDK is only loaded to send it (./send.ts), never by hooks.
//
// Ids are derived from the ledger's own keys (session id, tool use id), so a span sent twice (a
// crash between the collector's answer and our bookkeeping) carries the same ids both times, and a
// child exported after its parent still points at it.
import { createHash } from 'node:crypto';
import type { Ledger } from '../ledger/db';
import { listDispatches, type DispatchRecord } from '../ledger/read-dispatches';
import { genAi, warden } from './attributes';

export type AttributeValue = string | number | boolean;

export interface SpanPlan {
  traceId: string;
  spanId: string;
  /** Absent for a session span (the trace's root). */
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  status: { code: 'unset' | 'error'; message?: string };
  sessionId: string;
  /** The dispatch's tool use id; absent for the session span. */
  toolUseId?: string;
}

const hex = (text: string, bytes: number): string => createHash('sha256').update(text).digest('hex').slice(0, bytes * 2);

export const traceIdOf = (sessionId: string): string => hex(`agent-warden trace ${sessionId}`, 16);
export const sessionSpanIdOf = (sessionId: string): string => hex(`agent-warden session ${sessionId}`, 8);
export const dispatchSpanIdOf = (sessionId: string, toolUseId: string): string => hex(`agent-warden dispatch ${sessionId} ${toolUseId}`, 8);

/** Statuses that end a dispatch; a dispatch still "running" when its session ended is exported as it stands. */
const FAILED = new Set(['failed', 'killed', 'denied']);
const MAX_MESSAGE = 1024;

interface SessionRow {
  session_id: string;
  project: string | null;
  started_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  last_event_at: number | null;
}

interface MainUsage {
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  cost_usd: number | null;
  rows: number;
  priced_rows: number;
}

/** The spans of one session: the session span first, then each dispatch in the order they started. */
export function sessionSpans(db: Ledger, sessionId: string, now: number): SpanPlan[] {
  const session = db.prepare('SELECT session_id, project, started_at, ended_at, end_reason, last_event_at FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
  if (!session) return [];
  const dispatches = listDispatches(db, { sessionId });
  // The model Claude Code resolved the dispatch to (the Agent tool's `model`, else the agent's or
  // session's default) and the one its subagent's transcript shows it ran on, apart.
  const models = new Map(
    (
      db
        .prepare('SELECT d.tool_use_id, d.model AS requested, r.model AS ran FROM dispatches d LEFT JOIN agent_runs r ON r.session_id = d.session_id AND r.agent_id = d.agent_id WHERE d.session_id = ?')
        .all(sessionId) as { tool_use_id: string; requested: string | null; ran: string | null }[]
    ).map((m) => [m.tool_use_id, m]),
  );
  const traceId = traceIdOf(sessionId);
  const rootId = sessionSpanIdOf(sessionId);
  const spanOfAgent = new Map<string, string>();
  for (const d of dispatches) if (d.agent_id) spanOfAgent.set(d.agent_id, dispatchSpanIdOf(sessionId, d.tool_use_id));

  const times = dispatches.flatMap((d) => [ms(d.started_at), ms(d.ended_at)]).filter((t): t is number => t !== undefined);
  const start = Math.min(session.started_at ?? Infinity, ...times);
  const end = Math.max(session.ended_at ?? session.last_event_at ?? 0, ...times);
  const startMs = Number.isFinite(start) ? start : now;
  const main = mainUsage(db, sessionId);
  const sessionSpan: SpanPlan = {
    traceId,
    spanId: rootId,
    name: `${genAi.opInvokeAgent} main`,
    startMs,
    endMs: Math.max(startMs, end),
    sessionId,
    status: { code: 'unset' },
    attributes: compact({
      [genAi.operationName]: genAi.opInvokeAgent,
      [genAi.providerName]: genAi.providerAnthropic,
      [genAi.agentName]: 'main',
      [genAi.conversationId]: sessionId,
      [genAi.responseModel]: main.model ?? undefined,
      ...usageAttributes(main),
      [warden.costUsd]: main.rows === main.priced_rows ? round(main.cost_usd ?? 0) : undefined,
      [warden.sessionId]: sessionId,
      [warden.project]: session.project ?? undefined,
      [warden.endReason]: session.end_reason ?? undefined,
      [warden.dispatches]: dispatches.length,
    }),
  };
  return [sessionSpan, ...dispatches.map((d) => dispatchSpan(d, traceId, rootId, spanOfAgent, models.get(d.tool_use_id), sessionSpan.endMs))];
}

function dispatchSpan(
  d: DispatchRecord,
  traceId: string,
  rootId: string,
  spanOfAgent: Map<string, string>,
  model: { requested: string | null; ran: string | null } | undefined,
  sessionEnd: number,
): SpanPlan {
  const startMs = ms(d.started_at) ?? sessionEnd;
  // A dispatch that never ended (still running when its session ended) closes with its session.
  const endMs = Math.max(startMs, ms(d.ended_at) ?? (d.status === 'running' ? sessionEnd : startMs));
  const parent = d.parent_agent_id ? spanOfAgent.get(d.parent_agent_id) : undefined;
  const agent = d.agent_type ?? d.requested_type ?? 'unknown';
  const failed = FAILED.has(d.status);
  const message = failed ? (d.error ?? d.governance_reason ?? d.status) : undefined;
  return {
    traceId,
    spanId: dispatchSpanIdOf(d.session_id, d.tool_use_id),
    parentSpanId: parent ?? rootId,
    name: `${genAi.opInvokeAgent} ${agent}`,
    startMs,
    endMs,
    sessionId: d.session_id,
    toolUseId: d.tool_use_id,
    status: failed ? { code: 'error', message: message!.slice(0, MAX_MESSAGE) } : { code: 'unset' },
    attributes: compact({
      [genAi.operationName]: genAi.opInvokeAgent,
      [genAi.providerName]: genAi.providerAnthropic,
      [genAi.agentName]: agent,
      [genAi.agentId]: d.agent_id ?? undefined,
      [genAi.conversationId]: d.session_id,
      [genAi.requestModel]: model?.requested ?? undefined,
      [genAi.responseModel]: model?.ran ?? undefined,
      ...usageAttributes(d),
      [warden.costUsd]: d.cost_usd ?? undefined,
      [warden.sessionId]: d.session_id,
      [warden.project]: d.project ?? undefined,
      [warden.toolUseId]: d.tool_use_id,
      [warden.status]: d.status,
      [warden.background]: d.background,
      [warden.description]: d.description ?? undefined,
      [warden.requestedType]: d.requested_type && d.requested_type !== d.agent_type ? d.requested_type : undefined,
      [warden.governance]: d.governance ?? undefined,
      [warden.durationMs]: d.duration_ms ?? undefined,
      [warden.toolUses]: d.tool_use_count ?? undefined,
      'error.type': failed ? d.status : undefined,
    }),
  };
}

/**
 * GenAI usage as the semantic conventions define it: `gen_ai.usage.input_tokens` counts every
 * input token, cached ones included, and the cache attributes say how many of them were cache
 * writes and reads. The ledger's own split and total are kept beside them.
 */
function usageAttributes(u: { input_tokens: number; output_tokens: number; cache_creation_tokens: number; cache_read_tokens: number; total_tokens: number }): Record<string, number> {
  return {
    [genAi.usageInputTokens]: u.input_tokens + u.cache_creation_tokens + u.cache_read_tokens,
    [genAi.usageOutputTokens]: u.output_tokens,
    [genAi.usageCacheCreationInputTokens]: u.cache_creation_tokens,
    [genAi.usageCacheReadInputTokens]: u.cache_read_tokens,
    [warden.uncachedInputTokens]: u.input_tokens,
    [warden.totalTokens]: u.total_tokens,
  };
}

function mainUsage(db: Ledger, sessionId: string): MainUsage {
  const sum = db
    .prepare(
      `SELECT coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
         coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens), 0) AS cache_creation_tokens, coalesce(sum(cache_read_tokens), 0) AS cache_read_tokens,
         coalesce(sum(total_tokens), 0) AS total_tokens, sum(cost_usd) AS cost_usd, count(*) AS rows, count(cost_usd) AS priced_rows
       FROM usage WHERE session_id = ? AND agent_id = ''`,
    )
    .get(sessionId) as Omit<MainUsage, 'model'>;
  // The model that billed the most tokens of the main thread.
  const top = db.prepare(`SELECT model FROM usage WHERE session_id = ? AND agent_id = '' AND model IS NOT NULL GROUP BY model ORDER BY sum(total_tokens) DESC LIMIT 1`).get(sessionId) as
    | { model: string }
    | undefined;
  return { ...sum, model: top?.model ?? null };
}

const ms = (iso: string | null): number | undefined => (iso ? Date.parse(iso) : undefined);
const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
const compact = (attrs: Record<string, AttributeValue | undefined>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(attrs).filter((e): e is [string, AttributeValue] => e[1] !== undefined && e[1] !== null));

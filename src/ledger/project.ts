// Projections: sessions, tool calls, usage, dispatches, agent runs, circuits, budget notices.
// Each event updates them through merges that do not depend on arrival order (min/max times,
// flags, upserts keyed by ids), so replaying the log in any order converges to the same state.
import type { ModelPrice } from '../config/schema';
import { costOf } from '../tokens/pricing';
import { type MessageUsage, totalOf } from '../tokens/transcript';
import type { Ledger } from './db';
import type { StoredEvent } from './events';

export interface ProjectionContext {
  pricing: Record<string, ModelPrice>;
}

type Handler = (db: Ledger, ev: StoredEvent, ctx: ProjectionContext) => void;

const handlers: Record<string, Handler> = {
  SessionStart: () => {},
  SessionEnd: (db, ev) => {
    db.prepare('UPDATE sessions SET ended_at = max(coalesce(ended_at, 0), ?), end_reason = ? WHERE session_id = ?').run(
      ev.receivedAt,
      ev.payload.reason ?? null,
      ev.sessionId,
    );
  },
  PreToolUse: (db, ev) => {
    const p = ev.payload;
    const thread = p.agent_id ?? '';
    db.prepare(
      `INSERT INTO tool_calls (session_id, tool_use_id, project, agent_id, tool_name, call_key, summary, seq, started_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'started')
       ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
         project = excluded.project, agent_id = excluded.agent_id, tool_name = excluded.tool_name, call_key = excluded.call_key,
         summary = excluded.summary, seq = excluded.seq, started_at = excluded.started_at`,
    ).run(ev.sessionId, p.tool_use_id, ev.project, thread, p.tool_name, p._warden?.call_key ?? null, p._warden?.summary ?? null, ev.seq, ev.receivedAt);
    // A thread moves on only after its earlier calls returned: the ones still open succeeded
    // (failures arrive as PostToolUseFailure, which wins whenever it lands).
    db.prepare(
      `UPDATE tool_calls SET status = 'succeeded' WHERE session_id = ? AND agent_id = ? AND seq < ? AND status = 'started'`,
    ).run(ev.sessionId, thread, ev.seq);
    if (isAgentTool(p.tool_name)) upsertDispatchFromPre(db, ev);
  },
  PostToolUse: (db, ev) => {
    const p = ev.payload;
    db.prepare(
      `INSERT INTO tool_calls (session_id, tool_use_id, project, agent_id, tool_name, ended_at, status, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, 'succeeded', ?)
       ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
         ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
         status = CASE WHEN tool_calls.status IN ('failed', 'denied') THEN tool_calls.status ELSE 'succeeded' END`,
    ).run(ev.sessionId, p.tool_use_id, ev.project, p.agent_id ?? '', p.tool_name, ev.receivedAt, p.duration_ms ?? null);
    if (isAgentTool(p.tool_name)) updateDispatchFromPost(db, ev);
  },
  PostToolUseFailure: (db, ev) => {
    const p = ev.payload;
    db.prepare(
      `INSERT INTO tool_calls (session_id, tool_use_id, project, agent_id, tool_name, call_key, ended_at, status, error, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'failed', ?, ?)
       ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
         ended_at = excluded.ended_at, status = 'failed', error = excluded.error, duration_ms = excluded.duration_ms`,
    ).run(ev.sessionId, p.tool_use_id, ev.project, p.agent_id ?? '', p.tool_name, p._warden?.call_key ?? null, ev.receivedAt, p.error ?? null, p.duration_ms ?? null);
    if (isAgentTool(p.tool_name)) {
      ensureDispatch(db, ev, p.tool_use_id);
      db.prepare(
        `UPDATE dispatches SET failed = 1, killed = max(killed, ?), error = ?, ended_at = max(coalesce(ended_at, 0), ?),
           duration_ms = coalesce(?, duration_ms)
         WHERE session_id = ? AND tool_use_id = ?`,
      ).run(p.is_interrupt ? 1 : 0, p.error ?? null, ev.receivedAt, p.duration_ms ?? null, ev.sessionId, p.tool_use_id);
      refreshStatus(db, ev.sessionId!, p.tool_use_id);
    }
  },
  SubagentStart: (db, ev) => {
    const p = ev.payload;
    upsertRun(db, ev, p.agent_id);
    db.prepare('UPDATE agent_runs SET agent_type = coalesce(agent_type, ?), started_at = min(coalesce(started_at, ?), ?) WHERE session_id = ? AND agent_id = ?').run(
      p.agent_type ?? null,
      ev.receivedAt,
      ev.receivedAt,
      ev.sessionId,
      p.agent_id,
    );
  },
  SubagentStop: (db, ev) => {
    const p = ev.payload;
    upsertRun(db, ev, p.agent_id);
    db.prepare(
      `UPDATE agent_runs SET stopped = 1, agent_type = coalesce(agent_type, ?), transcript_path = coalesce(?, transcript_path),
         last_message = coalesce(?, last_message), ended_at = max(coalesce(ended_at, 0), ?)
       WHERE session_id = ? AND agent_id = ?`,
    ).run(p.agent_type ?? null, p.agent_transcript_path ?? null, p.last_assistant_message ?? null, ev.receivedAt, ev.sessionId, p.agent_id);
    db.prepare(`UPDATE tool_calls SET status = 'succeeded' WHERE session_id = ? AND agent_id = ? AND status = 'started'`).run(ev.sessionId, p.agent_id);
    refreshRunDispatch(db, ev.sessionId!, p.agent_id);
  },
  Stop: (db, ev) => {
    db.prepare(`UPDATE tool_calls SET status = 'succeeded' WHERE session_id = ? AND agent_id = '' AND status = 'started'`).run(ev.sessionId);
  },
  UserPromptSubmit: () => {},
  malformed: () => {},

  /** New assistant messages read from the main transcript. */
  transcript_usage: (db, ev, ctx) => {
    const p = ev.payload;
    for (const m of p.messages as MessageUsage[]) upsertUsage(db, ev, '', null, m, ctx);
    db.prepare('UPDATE sessions SET transcript_offset = max(transcript_offset, ?) WHERE session_id = ?').run(p.offset_end ?? 0, ev.sessionId);
  },
  /** A subagent's whole transcript, read when it stopped. */
  agent_transcript: (db, ev, ctx) => {
    const p = ev.payload;
    upsertRun(db, ev, p.agent_id);
    const dispatchType = p.tool_use_id
      ? (db.prepare('SELECT agent_type FROM dispatches WHERE session_id = ? AND tool_use_id = ?').get(ev.sessionId, p.tool_use_id) as any)?.agent_type
      : undefined;
    const agentType = dispatchType ?? p.agent_type ?? null;
    for (const m of p.messages as MessageUsage[]) upsertUsage(db, ev, p.agent_id, agentType, m, ctx);
    db.prepare(
      `UPDATE agent_runs SET files_written = CASE WHEN @bytes >= transcript_bytes THEN @files ELSE files_written END,
         tool_use_count = CASE WHEN @bytes >= transcript_bytes THEN @tools ELSE tool_use_count END, model = coalesce(@model, model),
         started_at = min(coalesce(started_at, @first), @first), ended_at = max(coalesce(ended_at, 0), @last),
         transcript_path = coalesce(transcript_path, @path), agent_type = coalesce(agent_type, @type),
         transcript_bytes = max(transcript_bytes, @bytes)
       WHERE session_id = @session AND agent_id = @agent`,
    ).run({
      files: JSON.stringify(p.files_written ?? []),
      tools: p.tool_uses ?? null,
      model: p.model ?? null,
      first: p.first_ts ?? ev.receivedAt,
      last: p.last_ts ?? 0,
      path: p.transcript_path ?? null,
      type: p.agent_type ?? null,
      bytes: p.bytes ?? 0,
      session: ev.sessionId,
      agent: p.agent_id,
    });
    recomputeRunTotals(db, ev.sessionId!, p.agent_id);
    if (p.tool_use_id) link(db, ev.sessionId!, p.tool_use_id, p.agent_id, p.parent_agent_id);
    refreshRunDispatch(db, ev.sessionId!, p.agent_id);
  },
  /** `<session>/subagents/agent-<id>.meta.json` ties an agent id to the tool call that made it. */
  agent_link: (db, ev) => {
    const p = ev.payload;
    upsertRun(db, ev, p.agent_id);
    link(db, ev.sessionId!, p.tool_use_id, p.agent_id, p.parent_agent_id);
  },
  /** A decision made at PreToolUse: denials, reservations, proxy rewrites, circuit changes, notices. */
  decision: (db, ev) => {
    const p = ev.payload;
    if (p.deny) {
      db.prepare(`UPDATE tool_calls SET status = 'denied', error = ? WHERE session_id = ? AND tool_use_id = ?`).run(p.reason ?? null, ev.sessionId, p.tool_use_id);
    }
    if (p.dispatch) {
      ensureDispatch(db, ev, p.tool_use_id);
      db.prepare(
        `UPDATE dispatches SET denied = max(denied, ?), error = CASE WHEN ? THEN ? ELSE error END,
           reserved_tokens = ?, via_proxy = max(via_proxy, ?), agent_type = coalesce(?, agent_type)
         WHERE session_id = ? AND tool_use_id = ?`,
      ).run(
        p.deny ? 1 : 0,
        p.deny ? 1 : 0,
        p.reason ?? null,
        p.dispatch.reserved_tokens ?? 0,
        p.dispatch.via_proxy ? 1 : 0,
        p.dispatch.agent_type ?? null,
        ev.sessionId,
        p.tool_use_id,
      );
      refreshStatus(db, ev.sessionId!, p.tool_use_id);
    }
    for (const c of p.circuits ?? []) {
      db.prepare(
        `INSERT INTO circuits (session_id, key, kind, label, state, failures, opened_at, cooldown_ms, last_error, trial_tool_use_id, updated_at)
         VALUES (@session, @key, @kind, @label, @state, @failures, @opened_at, @cooldown_ms, @last_error, @trial, @at)
         ON CONFLICT (session_id, key) DO UPDATE SET state = excluded.state, failures = excluded.failures, opened_at = excluded.opened_at,
           cooldown_ms = excluded.cooldown_ms, last_error = excluded.last_error, trial_tool_use_id = excluded.trial_tool_use_id,
           updated_at = excluded.updated_at, label = excluded.label`,
      ).run({
        session: ev.sessionId,
        key: c.key,
        kind: c.kind,
        label: c.label ?? null,
        state: c.state,
        failures: c.failures ?? 0,
        opened_at: c.opened_at ?? null,
        cooldown_ms: c.cooldown_ms ?? null,
        last_error: c.last_error ?? null,
        trial: c.trial_tool_use_id ?? null,
        at: ev.receivedAt,
      });
    }
    for (const n of p.notices ?? []) {
      db.prepare('INSERT OR IGNORE INTO budget_notices (budget_key, window_start, threshold, session_id, sent_at) VALUES (?, ?, ?, ?, ?)').run(
        n.budget_key,
        n.window_start,
        n.threshold,
        ev.sessionId,
        ev.receivedAt,
      );
    }
  },
  prompt_tokens: (db, ev) => {
    const p = ev.payload;
    ensureDispatch(db, ev, p.tool_use_id);
    db.prepare('UPDATE dispatches SET prompt_tokens = ?, prompt_tokens_exact = 1 WHERE session_id = ? AND tool_use_id = ?').run(p.tokens, ev.sessionId, p.tool_use_id);
  },
  budget_override: (db, ev) => {
    const p = ev.payload;
    db.prepare('INSERT OR IGNORE INTO budget_overrides (seq, session_id, budget_id, add_tokens, add_usd, created_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      ev.seq,
      p.session_id ?? null,
      p.budget_id ?? null,
      p.add_tokens ?? 0,
      p.add_usd ?? 0,
      ev.receivedAt,
      p.note ?? null,
    );
  },
  breaker_reset: (db, ev) => {
    const p = ev.payload;
    // Circuits close rather than vanish: a closed row's updated_at is where an agent type's streak
    // of failed dispatches counts from again (dispatch history itself is never rewritten).
    const scope = { at: ev.receivedAt, session: p.session_id ?? null, all: p.all ? 1 : 0, key: p.key ?? null };
    db.prepare(
      `UPDATE circuits SET state = 'closed', failures = 0, trial_tool_use_id = NULL, updated_at = @at
       WHERE (@session IS NULL OR session_id = @session) AND (@all = 1 OR key = @key)`,
    ).run(scope);
    db.prepare(
      `INSERT INTO circuits (session_id, key, kind, label, state, failures, updated_at)
       SELECT DISTINCT session_id, 'agent:' || agent_type, 'agent', agent_type, 'closed', 0, @at FROM dispatches
       WHERE status IN ('failed', 'killed') AND agent_type IS NOT NULL AND (@session IS NULL OR session_id = @session)
         AND (@all = 1 OR 'agent:' || agent_type = @key)
       ON CONFLICT (session_id, key) DO NOTHING`,
    ).run(scope);
    // A reset also forgets the failure streaks the breaker counts from.
    const where = p.session_id ? 'session_id = ? AND ' : '';
    const args = p.session_id ? [p.session_id] : [];
    if (p.all) db.prepare(`UPDATE tool_calls SET status = 'failed_reset' WHERE ${where}status = 'failed'`).run(...args);
    else db.prepare(`UPDATE tool_calls SET status = 'failed_reset' WHERE ${where}status = 'failed' AND call_key = ?`).run(...args, String(p.key).replace(/^call:[^:]*:/, ''));
  },
};

export function project(db: Ledger, ev: StoredEvent, ctx: ProjectionContext): void {
  if (ev.sessionId) touchSession(db, ev);
  const handler = handlers[ev.kind];
  if (handler) handler(db, ev, ctx);
}

export const isAgentTool = (name: unknown) => name === 'Agent' || name === 'Task';

function touchSession(db: Ledger, ev: StoredEvent): void {
  const p = ev.payload ?? {};
  const isHook = typeof p.hook_event_name === 'string';
  db.prepare(
    `INSERT INTO sessions (session_id, project, cwd, transcript_path, started_at, last_event_at, events)
     VALUES (@id, @project, @cwd, @transcript, @at, @at, @count)
     ON CONFLICT (session_id) DO UPDATE SET
       project = coalesce(sessions.project, excluded.project), cwd = coalesce(sessions.cwd, excluded.cwd),
       transcript_path = coalesce(sessions.transcript_path, excluded.transcript_path),
       started_at = min(sessions.started_at, excluded.started_at), last_event_at = max(sessions.last_event_at, excluded.last_event_at),
       events = sessions.events + excluded.events`,
  ).run({
    id: ev.sessionId,
    project: ev.project ?? null,
    cwd: isHook ? (p.cwd ?? null) : null,
    transcript: isHook ? (p.transcript_path ?? null) : null,
    at: ev.receivedAt,
    count: isHook || ev.kind === 'malformed' ? 1 : 0,
  });
}

function upsertDispatchFromPre(db: Ledger, ev: StoredEvent): void {
  const p = ev.payload;
  const input = p.tool_input ?? {};
  const type = typeof input.subagent_type === 'string' && input.subagent_type ? input.subagent_type : 'general-purpose';
  ensureDispatch(db, ev, p.tool_use_id);
  db.prepare(
    `UPDATE dispatches SET project = coalesce(project, ?), parent_agent_id = ?, requested_type = ?, agent_type = coalesce(agent_type, ?),
       description = ?, prompt = ?, model = coalesce(model, ?), background = coalesce(background, ?), started_at = min(coalesce(started_at, ?), ?),
       prompt_tokens = CASE WHEN prompt_tokens_exact = 1 THEN prompt_tokens ELSE ? END, context_files = ?
     WHERE session_id = ? AND tool_use_id = ?`,
  ).run(
    ev.project ?? null,
    p.agent_id ?? null,
    type,
    type,
    input.description ?? null,
    input.prompt ?? null,
    input.model ?? null,
    input.run_in_background === undefined ? null : input.run_in_background ? 1 : 0,
    ev.receivedAt,
    ev.receivedAt,
    p._warden?.prompt_tokens ?? null,
    p._warden?.context_files ? JSON.stringify(p._warden.context_files) : null,
    ev.sessionId,
    p.tool_use_id,
  );
  refreshStatus(db, ev.sessionId!, p.tool_use_id);
}

function updateDispatchFromPost(db: Ledger, ev: StoredEvent): void {
  const p = ev.payload;
  const r = (p.tool_response ?? {}) as Record<string, any>;
  ensureDispatch(db, ev, p.tool_use_id);
  const async = r.status === 'async_launched' || r.isAsync === true;
  const texts = Array.isArray(r.content) ? r.content.filter((c: any) => c?.type === 'text' && typeof c.text === 'string') : [];
  const finalText = texts.length ? texts[texts.length - 1].text : undefined;
  db.prepare(
    `UPDATE dispatches SET agent_id = coalesce(?, agent_id), completed = max(completed, ?), background = CASE WHEN ? THEN 1 ELSE coalesce(background, 0) END,
       reported_total_tokens = coalesce(?, reported_total_tokens), tool_use_count = coalesce(?, tool_use_count),
       final_message = coalesce(?, final_message), model = coalesce(?, model),
       duration_ms = CASE WHEN ? THEN duration_ms ELSE coalesce(?, ?, duration_ms) END,
       ended_at = CASE WHEN ? THEN ended_at ELSE max(coalesce(ended_at, 0), ?) END
     WHERE session_id = ? AND tool_use_id = ?`,
  ).run(
    typeof r.agentId === 'string' ? r.agentId : null,
    r.status === 'completed' ? 1 : 0,
    async ? 1 : 0,
    typeof r.totalTokens === 'number' ? r.totalTokens : null,
    typeof r.totalToolUseCount === 'number' ? r.totalToolUseCount : null,
    finalText ?? null,
    typeof r.resolvedModel === 'string' ? r.resolvedModel : null,
    async ? 1 : 0,
    typeof r.totalDurationMs === 'number' ? r.totalDurationMs : null,
    typeof p.duration_ms === 'number' ? p.duration_ms : null,
    async ? 1 : 0,
    ev.receivedAt,
    ev.sessionId,
    p.tool_use_id,
  );
  if (typeof r.agentId === 'string') link(db, ev.sessionId!, p.tool_use_id, r.agentId, undefined);
  refreshStatus(db, ev.sessionId!, p.tool_use_id);
}

function ensureDispatch(db: Ledger, ev: StoredEvent, toolUseId: string): void {
  db.prepare('INSERT OR IGNORE INTO dispatches (session_id, tool_use_id, project, started_at) VALUES (?, ?, ?, ?)').run(
    ev.sessionId,
    toolUseId,
    ev.project ?? null,
    ev.receivedAt,
  );
}

function upsertRun(db: Ledger, ev: StoredEvent, agentId: string): void {
  db.prepare('INSERT OR IGNORE INTO agent_runs (session_id, agent_id, project) VALUES (?, ?, ?)').run(ev.sessionId, agentId, ev.project ?? null);
}

function link(db: Ledger, sessionId: string, toolUseId: string, agentId: string, parentAgentId: string | undefined): void {
  db.prepare('UPDATE agent_runs SET tool_use_id = coalesce(tool_use_id, ?), parent_agent_id = coalesce(parent_agent_id, ?) WHERE session_id = ? AND agent_id = ?').run(
    toolUseId,
    parentAgentId ?? null,
    sessionId,
    agentId,
  );
  db.prepare('UPDATE dispatches SET agent_id = coalesce(agent_id, ?) WHERE session_id = ? AND tool_use_id = ?').run(agentId, sessionId, toolUseId);
  refreshStatus(db, sessionId, toolUseId);
}

function refreshRunDispatch(db: Ledger, sessionId: string, agentId: string): void {
  const row = db.prepare('SELECT tool_use_id FROM dispatches WHERE session_id = ? AND agent_id = ?').get(sessionId, agentId) as any;
  if (row) refreshStatus(db, sessionId, row.tool_use_id);
}

/** Status from flags, most final first, so the order events arrive in cannot change it. */
function refreshStatus(db: Ledger, sessionId: string, toolUseId: string): void {
  db.prepare(
    `UPDATE dispatches SET status = CASE
        WHEN denied = 1 THEN 'denied'
        WHEN killed = 1 THEN 'killed'
        WHEN failed = 1 THEN 'failed'
        WHEN completed = 1 OR EXISTS (SELECT 1 FROM agent_runs r WHERE r.session_id = dispatches.session_id AND r.agent_id = dispatches.agent_id AND r.stopped = 1) THEN 'completed'
        ELSE 'running' END
     WHERE session_id = ? AND tool_use_id = ?`,
  ).run(sessionId, toolUseId);
}

function upsertUsage(db: Ledger, ev: StoredEvent, agentId: string, agentType: string | null, m: MessageUsage, ctx: ProjectionContext): void {
  const cost = costOf(m, ctx.pricing);
  db.prepare(
    `INSERT INTO usage (session_id, agent_id, message_id, project, agent_type, ts, model, input_tokens, output_tokens,
       cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, total_tokens, cost_usd)
     VALUES (@session, @agent, @id, @project, @type, @ts, @model, @input, @output, @w5, @w1, @read, @total, @cost)
     ON CONFLICT (session_id, agent_id, message_id) DO UPDATE SET
       agent_type = coalesce(excluded.agent_type, usage.agent_type),
       input_tokens = max(usage.input_tokens, excluded.input_tokens), output_tokens = max(usage.output_tokens, excluded.output_tokens),
       cache_write_5m_tokens = max(usage.cache_write_5m_tokens, excluded.cache_write_5m_tokens),
       cache_write_1h_tokens = max(usage.cache_write_1h_tokens, excluded.cache_write_1h_tokens),
       cache_read_tokens = max(usage.cache_read_tokens, excluded.cache_read_tokens),
       total_tokens = max(usage.total_tokens, excluded.total_tokens), cost_usd = coalesce(excluded.cost_usd, usage.cost_usd)`,
  ).run({
    session: ev.sessionId,
    agent: agentId,
    id: m.id,
    project: ev.project ?? null,
    type: agentType,
    ts: m.ts ?? ev.receivedAt,
    model: m.model ?? null,
    input: m.input,
    output: m.output,
    w5: m.cacheWrite5m,
    w1: m.cacheWrite1h,
    read: m.cacheRead,
    total: totalOf(m),
    cost: cost ?? null,
  });
}

function recomputeRunTotals(db: Ledger, sessionId: string, agentId: string): void {
  db.prepare(
    `UPDATE agent_runs SET (input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, unpriced_tokens) =
       (SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
               coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens), 0), coalesce(sum(cache_read_tokens), 0),
               coalesce(sum(total_tokens), 0), sum(cost_usd), coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0)
        FROM usage WHERE session_id = ? AND agent_id = ?)
     WHERE session_id = ? AND agent_id = ?`,
  ).run(sessionId, agentId, sessionId, agentId);
}

export const projectionTables = ['sessions', 'usage', 'tool_calls', 'dispatches', 'agent_runs', 'circuits', 'budget_notices', 'budget_overrides'] as const;

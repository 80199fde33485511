// Projection of the dispatches table: Agent/Task tool calls, their flags, and the status derived from them.
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';

import { isAgentTool, requestedAgentType } from '../../runtime/agent-tool';

export function preToolUse(db: Ledger, ev: StoredEvent<'PreToolUse'>): void {
  if (isAgentTool(ev.payload.tool_name)) upsertDispatchFromPre(db, ev);
}

export function postToolUse(db: Ledger, ev: StoredEvent<'PostToolUse'>): void {
  if (isAgentTool(ev.payload.tool_name)) updateDispatchFromPost(db, ev);
}

export function postToolUseFailure(db: Ledger, ev: StoredEvent<'PostToolUseFailure'>): void {
  const p = ev.payload;
  if (isAgentTool(p.tool_name)) {
    ensureDispatch(db, ev, p.tool_use_id);
    db.prepare(
      `UPDATE dispatches SET failed = 1, killed = max(killed, ?), error = ?, ended_at = max(coalesce(ended_at, 0), ?),
         duration_ms = coalesce(?, duration_ms)
       WHERE session_id = ? AND tool_use_id = ?`,
    ).run(p.is_interrupt ? 1 : 0, p.error ?? null, ev.receivedAt, p.duration_ms ?? null, ev.sessionId, p.tool_use_id);
    refreshStatus(db, ev.sessionId!, p.tool_use_id);
  }
}

/** SubagentStop: the stopped run may complete its dispatch. */
export function subagentStop(db: Ledger, ev: StoredEvent<'SubagentStop'>): void {
  refreshRunDispatch(db, ev.sessionId!, ev.payload.agent_id);
}

/** decision: a dispatch's denial, reservation and proxy rewrite. */
export function decision(db: Ledger, ev: StoredEvent<'decision'>): void {
  const p = ev.payload;
  if (p.dispatch) {
    ensureDispatch(db, ev, p.tool_use_id);
    db.prepare(
      `UPDATE dispatches SET denied = max(denied, ?), error = CASE WHEN ? THEN ? ELSE error END,
         reserved_tokens = ?, via_proxy = max(via_proxy, ?), agent_type = coalesce(?, agent_type),
         governance = coalesce(?, governance), governance_reason = coalesce(?, governance_reason)
       WHERE session_id = ? AND tool_use_id = ?`,
    ).run(
      p.deny ? 1 : 0,
      p.deny ? 1 : 0,
      p.reason ?? null,
      p.dispatch.reserved_tokens ?? 0,
      p.dispatch.via_proxy ? 1 : 0,
      p.dispatch.agent_type ?? null,
      p.dispatch.governance ?? null,
      p.dispatch.governance_reason ?? null,
      ev.sessionId,
      p.tool_use_id,
    );
    refreshStatus(db, ev.sessionId!, p.tool_use_id);
  }
}

export function promptTokens(db: Ledger, ev: StoredEvent<'prompt_tokens'>): void {
  const p = ev.payload;
  ensureDispatch(db, ev, p.tool_use_id);
  db.prepare('UPDATE dispatches SET prompt_tokens = ?, prompt_tokens_exact = 1 WHERE session_id = ? AND tool_use_id = ?').run(p.tokens, ev.sessionId, p.tool_use_id);
}

function upsertDispatchFromPre(db: Ledger, ev: StoredEvent<'PreToolUse'>): void {
  const p = ev.payload;
  const input = p.tool_input ?? {};
  const type = requestedAgentType(input);
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

function updateDispatchFromPost(db: Ledger, ev: StoredEvent<'PostToolUse'>): void {
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

export function ensureDispatch(db: Ledger, ev: StoredEvent, toolUseId: string): void {
  db.prepare('INSERT OR IGNORE INTO dispatches (session_id, tool_use_id, project, started_at) VALUES (?, ?, ?, ?)').run(
    ev.sessionId,
    toolUseId,
    ev.project ?? null,
    ev.receivedAt,
  );
}

/** Ties an agent run to the dispatch that started it, on both rows. */
export function link(db: Ledger, sessionId: string, toolUseId: string, agentId: string, parentAgentId: string | undefined): void {
  db.prepare('UPDATE agent_runs SET tool_use_id = coalesce(tool_use_id, ?), parent_agent_id = coalesce(parent_agent_id, ?) WHERE session_id = ? AND agent_id = ?').run(
    toolUseId,
    parentAgentId ?? null,
    sessionId,
    agentId,
  );
  db.prepare('UPDATE dispatches SET agent_id = coalesce(agent_id, ?) WHERE session_id = ? AND tool_use_id = ?').run(agentId, sessionId, toolUseId);
  refreshStatus(db, sessionId, toolUseId);
}

export function refreshRunDispatch(db: Ledger, sessionId: string, agentId: string): void {
  const row = db.prepare('SELECT tool_use_id FROM dispatches WHERE session_id = ? AND agent_id = ?').get(sessionId, agentId) as any;
  if (row) refreshStatus(db, sessionId, row.tool_use_id);
}

/** Status from flags, most final first, so the order events arrive in cannot change it. */
export function refreshStatus(db: Ledger, sessionId: string, toolUseId: string): void {
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

/** transcript_calls: dispatches a PreToolUse hook never recorded, and failures or denials it missed. */
export function transcriptCalls(db: Ledger, ev: StoredEvent<'transcript_calls'>): void {
  for (const c of ev.payload.calls ?? []) {
    if (!c.dispatch) continue;
    const d = c.dispatch;
    const type = requestedAgentType(d);
    ensureDispatch(db, ev, c.tool_use_id);
    const ts = c.ts ?? ev.receivedAt;
    // Positional (each dispatch of an import passes here): named parameters cost a lookup each.
    db.prepare(
      `UPDATE dispatches SET requested_type = coalesce(requested_type, ?), agent_type = coalesce(agent_type, ?),
         description = coalesce(description, ?), prompt = coalesce(prompt, ?), model = coalesce(model, ?),
         background = coalesce(background, ?), started_at = min(coalesce(started_at, ?), ?),
         failed = max(failed, ?), denied = max(denied, ?), error = coalesce(error, ?),
         parent_agent_id = coalesce(parent_agent_id, ?)
       WHERE session_id = ? AND tool_use_id = ?`,
    ).run(
      type,
      type,
      d.description ?? null,
      d.prompt ?? null,
      d.model ?? null,
      d.run_in_background === undefined ? null : d.run_in_background ? 1 : 0,
      ts,
      ts,
      c.status === 'failed' ? 1 : 0,
      c.status === 'denied' ? 1 : 0,
      c.error ?? null,
      typeof ev.payload.agent_id === 'string' ? ev.payload.agent_id : null,
      ev.sessionId,
      c.tool_use_id,
    );
    refreshStatus(db, ev.sessionId!, c.tool_use_id);
  }
}

// Projection of the usage table: one row per assistant message, merged to its largest token counts.
import { costOf } from '../../tokens/pricing';
import { type MessageUsage, totalOf } from '../../tokens/transcript';
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';
import type { ProjectionContext } from './types';

/** New assistant messages read from the main transcript. */
export function transcriptUsage(db: Ledger, ev: StoredEvent, ctx: ProjectionContext): void {
  const p = ev.payload;
  for (const m of p.messages as MessageUsage[]) upsertUsage(db, ev, '', null, m, ctx);
}

/** A subagent's messages, typed by its dispatch when known. */
export function agentTranscriptUsage(db: Ledger, ev: StoredEvent, ctx: ProjectionContext): void {
  const p = ev.payload;
  const dispatchType = p.tool_use_id
    ? (db.prepare('SELECT agent_type FROM dispatches WHERE session_id = ? AND tool_use_id = ?').get(ev.sessionId, p.tool_use_id) as any)?.agent_type
    : undefined;
  const agentType = dispatchType ?? p.agent_type ?? null;
  for (const m of p.messages as MessageUsage[]) upsertUsage(db, ev, p.agent_id, agentType, m, ctx);
}

function upsertUsage(db: Ledger, ev: StoredEvent, agentId: string, agentType: string | null, m: MessageUsage, ctx: ProjectionContext): void {
  const cost = costOf(m, ctx.pricing);
  upsertStatement(db).run({
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

// Prepared once per handle: a transcript read can bring tens of thousands of messages, and
// compiling the statement for each one cost seconds per hook (issue 15, large transcripts).
const upserts = new WeakMap<Ledger, ReturnType<Ledger['prepare']>>();
function upsertStatement(db: Ledger): ReturnType<Ledger['prepare']> {
  let stmt = upserts.get(db);
  if (!stmt) {
    stmt = db.prepare(
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
    );
    upserts.set(db, stmt);
  }
  return stmt;
}

// One session told in order: each dispatch (to whom, with what context), what came back, what it
// cost; and what the main thread itself used. Built from dispatch records: no database here.
import type { DispatchRecord } from '../ledger/read-dispatches';
import { SOURCES, type TokenCounts } from './usage-report';
import type { MainThreadRow } from './usage-query';

export interface SessionInfo {
  session_id: string;
  project: string | null;
  started_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
}

export interface SessionDispatch {
  id: number;
  agent_type: string | null;
  description: string | null;
  prompt: string | null;
  model: string | null;
  background: boolean;
  status: DispatchRecord['status'];
  started_at: string | null;
  duration_ms: number | null;
  context_files: DispatchRecord['context_files'];
  final_message: string | null;
  files_written: string[];
  error: string | null;
  tokens: TokenCounts;
  reported_total_tokens: number | null;
  cost_usd: number | null;
}

export interface SessionReport {
  session_id: string;
  project: string | null;
  started_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  pricing_date: string;
  sources: typeof SOURCES;
  dispatches: SessionDispatch[];
  subagents: { dispatches: number; tokens: TokenCounts; cost_usd: number; unpriced: boolean };
  main_thread: { messages: number; tokens: TokenCounts; cost_usd: number; unpriced_tokens: number };
}

export function buildSessionReport(session: SessionInfo, records: DispatchRecord[], main: MainThreadRow, pricingDate: string): SessionReport {
  const dispatches = records.map(toDispatch);
  const sum = (pick: (d: SessionDispatch) => number) => dispatches.reduce((acc, d) => acc + pick(d), 0);
  return {
    session_id: session.session_id,
    project: session.project,
    started_at: iso(session.started_at),
    ended_at: iso(session.ended_at),
    end_reason: session.end_reason,
    pricing_date: pricingDate,
    sources: SOURCES,
    dispatches,
    subagents: {
      dispatches: dispatches.length,
      tokens: {
        input: sum((d) => d.tokens.input),
        output: sum((d) => d.tokens.output),
        cache_write: sum((d) => d.tokens.cache_write),
        cache_read: sum((d) => d.tokens.cache_read),
        total: sum((d) => d.tokens.total),
      },
      cost_usd: sum((d) => d.cost_usd ?? 0),
      unpriced: records.some((r) => r.unpriced),
    },
    main_thread: {
      messages: main.messages,
      tokens: { input: main.input_tokens, output: main.output_tokens, cache_write: main.cache_write_tokens, cache_read: main.cache_read_tokens, total: main.total_tokens },
      cost_usd: main.cost_usd,
      unpriced_tokens: main.unpriced_tokens,
    },
  };
}

function toDispatch(r: DispatchRecord): SessionDispatch {
  return {
    id: r.id,
    agent_type: r.agent_type,
    description: r.description,
    prompt: r.prompt,
    model: r.model,
    background: r.background,
    status: r.status,
    started_at: r.started_at,
    duration_ms: r.duration_ms,
    context_files: r.context_files,
    final_message: r.final_message,
    files_written: r.files_written,
    error: r.error,
    tokens: { input: r.input_tokens, output: r.output_tokens, cache_write: r.cache_creation_tokens, cache_read: r.cache_read_tokens, total: r.total_tokens },
    reported_total_tokens: r.reported_total_tokens,
    cost_usd: r.cost_usd,
  };
}

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

// The usage report as a plain object (the documented `--json`, docs/report-json.md): built from
// aggregate rows and the pricing table's date, with no database or clock of its own.
import { isoOrNull, type ReportScope } from './scope';
import type { GroupBy, MainThreadRow, UsageRow } from './usage-query';

export const REPORT_SCHEMA = 'agent-warden.report/1';

/** Where each figure comes from, printed with the report so nobody mistakes one for the other. */
export const SOURCES = {
  tokens: 'transcript sums: every assistant message in the subagent transcripts, deduplicated by message id',
  reported_total_tokens: "reported: the Agent tool result's totalTokens, as Claude Code returned it to the main thread",
  cost_usd: "Claude Code's own cost-state where it settles the session; else the pricing config, the price table, rates learned from Claude Code, or an estimate from the newest model of the family (see `agent-warden pricing`); never $0 for want of a price",
  main_thread: 'transcript sums of the main conversation (not a dispatch)',
} as const;

export interface TokenCounts {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
  total: number;
}

export interface UsageGroup {
  key: string;
  dispatches: number;
  completed: number;
  failed: number;
  killed: number;
  denied: number;
  running: number;
  /** completed ÷ (completed + failed + killed); null before any dispatch finished. */
  success_rate: number | null;
  duration_ms: { p50: number | null; p95: number | null };
  tokens: TokenCounts;
  reported_total_tokens: number | null;
  reported_dispatches: number;
  cost_usd: number;
  unpriced_tokens: number;
}

export interface UsageReport {
  schema: typeof REPORT_SCHEMA;
  generated_at: string;
  pricing_date: string;
  filters: { since: string | null; until: string | null; project: string | null; agent: string | null; session: string | null };
  group_by: GroupBy;
  sources: typeof SOURCES;
  groups: UsageGroup[];
  total: UsageGroup;
  main_thread: { messages: number; tokens: TokenCounts; cost_usd: number; unpriced_tokens: number } | null;
}

export interface UsageReportInput {
  scope: ReportScope;
  by: GroupBy;
  groups: UsageRow[];
  total: UsageRow;
  /** Omitted when the report is about one agent type: the main thread is no agent's. */
  mainThread?: MainThreadRow;
  pricingDate: string;
  generatedAt: number;
}

export function buildUsageReport(input: UsageReportInput): UsageReport {
  const { scope, mainThread: m } = input;
  return {
    schema: REPORT_SCHEMA,
    generated_at: new Date(input.generatedAt).toISOString(),
    pricing_date: input.pricingDate,
    filters: {
      since: isoOrNull(scope.since),
      until: isoOrNull(scope.until),
      project: scope.project ?? null,
      agent: scope.agentType ?? null,
      session: scope.sessionId ?? null,
    },
    group_by: input.by,
    sources: SOURCES,
    groups: input.groups.map((row) => toGroup(row, row.key ?? 'unknown')),
    total: toGroup(input.total, 'total'),
    main_thread: m
      ? {
          messages: m.messages,
          tokens: { input: m.input_tokens, output: m.output_tokens, cache_write: m.cache_write_tokens, cache_read: m.cache_read_tokens, total: m.total_tokens },
          cost_usd: roundUsd(m.cost_usd),
          unpriced_tokens: m.unpriced_tokens,
        }
      : null,
  };
}

function toGroup(row: UsageRow, key: string): UsageGroup {
  const n = (v: number | null | undefined) => v ?? 0;
  const finished = n(row.completed) + n(row.failed) + n(row.killed);
  return {
    key,
    dispatches: n(row.dispatches),
    completed: n(row.completed),
    failed: n(row.failed),
    killed: n(row.killed),
    denied: n(row.denied),
    running: n(row.running),
    success_rate: finished ? n(row.completed) / finished : null,
    duration_ms: { p50: roundMs(row.p50_ms), p95: roundMs(row.p95_ms) },
    tokens: {
      input: n(row.input_tokens),
      output: n(row.output_tokens),
      cache_write: n(row.cache_write_tokens),
      cache_read: n(row.cache_read_tokens),
      total: n(row.total_tokens),
    },
    reported_total_tokens: row.reported_dispatches ? n(row.reported_total_tokens) : null,
    reported_dispatches: n(row.reported_dispatches),
    cost_usd: roundUsd(n(row.cost_usd)),
    unpriced_tokens: n(row.unpriced_tokens),
  };
}

const roundMs = (v: number | null) => (v === null || v === undefined ? null : Math.round(v));
// Micro-dollars: enough for a single cached read, free of float noise in JSON and CSV.
const roundUsd = (v: number) => Math.round(v * 1e6) / 1e6;

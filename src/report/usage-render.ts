// The usage report in the three text forms: CSV (raw numbers, one row per group plus the total),
// Markdown (for slash commands) and the columns the terminal table shows.
import { fmtInt, fmtMs, fmtUsd } from './format';
import { toCsv } from './csv';
import { mdTable } from './markdown';
import type { UsageGroup, UsageReport } from './usage-report';

const CSV_HEADER = [
  'group_by', 'key', 'dispatches', 'completed', 'failed', 'killed', 'denied', 'running', 'success_rate',
  'p50_duration_ms', 'p95_duration_ms',
  'input_tokens_transcript', 'output_tokens_transcript', 'cache_write_tokens_transcript', 'cache_read_tokens_transcript', 'total_tokens_transcript',
  'total_tokens_reported', 'reported_dispatches', 'cost_usd', 'unpriced_tokens', 'pricing_date',
];

export function usageCsv(report: UsageReport): string {
  const row = (g: UsageGroup, groupBy: string) => [
    groupBy, g.key, g.dispatches, g.completed, g.failed, g.killed, g.denied, g.running, g.success_rate,
    g.duration_ms.p50, g.duration_ms.p95,
    g.tokens.input, g.tokens.output, g.tokens.cache_write, g.tokens.cache_read, g.tokens.total,
    g.reported_total_tokens, g.reported_dispatches, g.cost_usd, g.unpriced_tokens, report.pricing_date,
  ];
  return toCsv(CSV_HEADER, [...report.groups.map((g) => row(g, report.group_by)), row(report.total, 'total')]);
}

/** Formatted cells shared by the Markdown and terminal forms. */
/** `wide` columns are left out of the terminal table when it is narrow. */
export const USAGE_COLUMNS: Array<{ header: string; value: (g: UsageGroup) => string | number; right?: boolean; wide?: boolean }> = [
  { header: 'dispatches', value: (g) => g.dispatches, right: true },
  { header: 'ok %', value: (g) => pct(g.success_rate), right: true },
  { header: 'failed', value: (g) => g.failed + g.killed, right: true },
  { header: 'denied', wide: true, value: (g) => g.denied, right: true },
  { header: 'p50', wide: true, value: (g) => fmtMs(g.duration_ms.p50), right: true },
  { header: 'p95', value: (g) => fmtMs(g.duration_ms.p95), right: true },
  { header: 'input', wide: true, value: (g) => fmtInt(g.tokens.input), right: true },
  { header: 'output', wide: true, value: (g) => fmtInt(g.tokens.output), right: true },
  { header: 'cache write', wide: true, value: (g) => fmtInt(g.tokens.cache_write), right: true },
  { header: 'cache read', wide: true, value: (g) => fmtInt(g.tokens.cache_read), right: true },
  { header: 'total (transcripts)', value: (g) => fmtInt(g.tokens.total), right: true },
  { header: 'total (reported)', wide: true, value: (g) => fmtInt(g.reported_total_tokens), right: true },
  { header: 'cost', value: (g) => costText(g.cost_usd, g.unpriced_tokens), right: true },
];

export function usageMarkdown(report: UsageReport): string {
  const groupHeader = report.group_by;
  const rows = [...report.groups, report.total].map((g, i, all) => {
    const key = i === all.length - 1 ? '**total**' : g.key;
    return [key, ...USAGE_COLUMNS.map((c) => c.value(g))];
  });
  return [
    `## agent-warden usage by ${report.group_by}`,
    '',
    scopeLine(report),
    '',
    mdTable([groupHeader, ...USAGE_COLUMNS.map((c) => c.header)], rows, [false, ...USAGE_COLUMNS.map((c) => c.right ?? false)]),
    '',
    mainThreadLine(report),
    '',
    footnotes(report),
  ].join('\n') + '\n';
}

export function scopeLine(report: UsageReport): string {
  const f = report.filters;
  const parts = [
    `project: ${f.project ?? 'all projects'}`,
    `from: ${f.since ?? 'the beginning'}`,
    `to: ${f.until ?? 'now'}`,
    ...(f.agent ? [`agent: ${f.agent}`] : []),
    ...(f.session ? [`session: ${f.session}`] : []),
  ];
  return parts.join(' · ');
}

export function mainThreadLine(report: UsageReport): string {
  const m = report.main_thread;
  if (!m) return 'Main thread: not included (report filtered to one agent type).';
  return `Main thread (transcript sums): ${fmtInt(m.messages)} messages, ${fmtInt(m.tokens.total)} tokens (input ${fmtInt(m.tokens.input)}, output ${fmtInt(m.tokens.output)}, cache write ${fmtInt(m.tokens.cache_write)}, cache read ${fmtInt(m.tokens.cache_read)}), cost ${costText(m.cost_usd, m.unpriced_tokens)}.`;
}

export function footnotes(report: UsageReport): string {
  return [
    `Prices: Claude Code's own figures where a session has them, else the price table of ${report.pricing_date}, learned rates or estimates (\`agent-warden pricing\` shows which).`,
    `"transcripts" = ${report.sources.tokens}.`,
    `"reported" = ${report.sources.reported_total_tokens}.`,
    'ok % = completed ÷ (completed + failed + killed); "at least" after a cost = some tokens are not priced yet (run any report again to price them).',
  ].join('\n');
}

const pct = (rate: number | null) => (rate === null ? '' : `${(rate * 100).toFixed(rate === 1 ? 0 : 1)}%`);
/** "at least" marks a lower bound (some tokens not priced yet); nothing priced at all reads "unpriced", never "$0". */
export const costText = (usd: number, unpriced: number) => (unpriced > 0 && usd === 0 ? 'unpriced' : unpriced > 0 ? `${fmtUsd(usd)} at least` : fmtUsd(usd));

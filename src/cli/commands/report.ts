// `agent-warden report`: usage per agent, model, day, session or project. The numbers come from
// src/report (SQL aggregates, then a pure builder); this file only reads flags and prints.
import { type Command, Option } from 'commander';
import type { ReportScope } from '../../report/scope';
import { GROUP_BYS, type GroupBy, queryMainThread, queryUsageRows } from '../../report/usage-query';
import { buildUsageReport, type UsageReport } from '../../report/usage-report';
import { USAGE_COLUMNS, footnotes, mainThreadLine, scopeLine, usageCsv, usageMarkdown } from '../../report/usage-render';
import { PRICING_DATE } from '../../runtime/tokens/pricing';
import { loadConfig } from '../../runtime/config/load';
import { projectOf } from '../../runtime/paths';
import type { ListingBySource } from '../../core/curator/plan';
import { UserError } from '../errors';
import { budgetStatus, capStatus } from '../../core/budget/status';
import { windowHistoryText, windowRows } from '../windows-view';
import { withLedger } from '../ledger-access';
import { fmtInt, pc, printJson, table } from '../output';
import { parseSince } from '../time';
import { teamReportCommand } from './team';
import { csvOption, jsonOption, projectDir, projectOption, sinceOption } from '../flags';

export interface ScopeFlags {
  since?: string;
  until?: string;
  project?: string;
  allProjects?: boolean;
  agent?: string;
  session?: string;
}

/** The filter flags every report shares, declared once. */
export function addScopeOptions(cmd: Command, { defaultSince }: { defaultSince?: string } = {}): Command {
  return cmd
    .addOption(sinceOption(defaultSince))
    .option('--until <when>', 'up to this time (same forms as --since)')
    .addOption(projectOption())
    .option('--all-projects', 'every project in the ledger')
    .option('--agent <type>', 'only this agent type')
    .option('--session <id>', 'only this session (any project)');
}

export function scopeFrom(flags: ScopeFlags, env: NodeJS.ProcessEnv = process.env, now = Date.now()): ReportScope {
  if (flags.project && flags.allProjects) throw new UserError('--project and --all-projects exclude each other', 'pass only one of them');
  // A session id is specific enough: it must not vanish because the command ran from elsewhere.
  const project = flags.allProjects || (flags.session && !flags.project) ? undefined : projectDir(flags.project, env);
  return {
    since: parseSince(flags.since, now),
    until: parseSince(flags.until, now),
    project,
    agentType: flags.agent,
    sessionId: flags.session,
  };
}

/** One line on stderr while a long query runs, on a terminal only; cleared when done. */
export function withProgress<T>(label: string, fn: () => T): T {
  const show = process.stderr.isTTY === true;
  if (show) process.stderr.write(pc.dim(`${label}…`));
  try {
    return fn();
  } finally {
    if (show) process.stderr.write('\r\x1b[K');
  }
}

export function usageReport(scope: ReportScope, by: GroupBy, now = Date.now()): UsageReport {
  return withProgress('reading the ledger', () =>
    withLedger((db) => {
      const { groups, total } = queryUsageRows(db, scope, by);
      const mainThread = scope.agentType ? undefined : queryMainThread(db, scope);
      return buildUsageReport({ scope, by, groups, total, mainThread, pricingDate: PRICING_DATE, generatedAt: now });
    }),
  );
}

export function registerReportCommand(program: Command): void {
  const cmd = program.command('report').description('usage per group and in total: dispatches, success rate, p50/p95 duration, tokens, cost (--json schema: docs/report-json.md)');
  addScopeOptions(cmd)
    .addOption(new Option('--by <group>', 'group rows by').choices(GROUP_BYS).default('agent'))
    .addOption(jsonOption())
    .addOption(csvOption())
    .option('--md', 'print Markdown (for slash commands)')
    .option('--team', "the team's spend per member and agent type, from the team's PostgreSQL (\"team\" in your config)")
    .action(async (opts) => {
      if (opts.team) return teamReportCommand(opts);
      const report = withListing(usageReport(scopeFrom(opts), opts.by));
      if (opts.json) return printJson(report);
      if (opts.csv) return void process.stdout.write(usageCsv(report));
      if (!report.total.dispatches && !report.main_thread?.messages) {
        const hint = report.filters.project ? 'try --all-projects, or a wider --since' : 'it records dispatches as sessions run with the plugin enabled';
        return void process.stdout.write(`No usage recorded yet for ${scopeLine(report)}.\nagent-warden: ${hint}.\n`);
      }
      const windows = windowsSection(scopeFrom(opts).since);
      if (opts.md) return void process.stdout.write(usageMarkdown(report) + (windows ? `\n## Claude's windows\n\n\`\`\`\n${windows}\n\`\`\`\n` : ''));
      process.stdout.write(terminalReport(report) + (windows ? `${pc.bold("Claude's windows")}\n${windows}\n` : ''));
      const limits = limitsSection(scopeFrom(opts));
      if (limits) process.stdout.write(limits);
    });
}

/**
 * Budgets (rolling windows included) and spawn caps as they stand now, and how often agent-warden
 * stepped in on the dispatches in scope. The JSON report keeps its schema: `budget status --json` has these.
 */
function limitsSection(scope: ReportScope): string | undefined {
  const project = scope.project ?? projectDir(undefined);
  const { config } = loadConfig(project);
  if (!config.budgets.length && !Object.values(config.spawn).some((v) => v !== undefined)) return undefined;
  const now = Date.now();
  const { budgets, caps, governed } = withLedger((db) => {
    const session =
      scope.sessionId ??
      (db.prepare('SELECT session_id FROM sessions WHERE project = ? ORDER BY last_event_at DESC LIMIT 1').get(project) as { session_id: string } | undefined)?.session_id ??
      '';
    const governed = db
      .prepare(
        `SELECT governance AS g, count(*) AS n FROM dispatches WHERE governance IS NOT NULL AND coalesce(started_at, 0) >= ? AND coalesce(started_at, 0) <= ?
           AND (? IS NULL OR project = ?) AND (? IS NULL OR session_id = ?) GROUP BY governance`,
      )
      .all(scope.since ?? 0, scope.until ?? Number.MAX_SAFE_INTEGER, scope.project ?? null, scope.project ?? null, scope.sessionId ?? null, scope.sessionId ?? null) as { g: string; n: number }[];
    return { budgets: budgetStatus(db, config, { sessionId: session, project }, now), caps: capStatus(db, config, session), governed };
  });
  const amount = (unit: string, n: number) => (unit === 'usd' ? `$${n.toFixed(2)}` : fmtInt(n));
  const lines = [pc.bold('limits (now)')];
  for (const b of budgets) {
    const resets = b.scope === 'dispatch' ? 'per dispatch (the costliest one of the session)' : b.resets_at === null ? 'ends with the session' : `${ROLLING_SCOPES.has(b.scope) ? 'oldest spend ages out' : 'resets'} ${b.resets_at.replace('T', ' ').slice(0, 16)} UTC`;
    lines.push(`  ${b.budget.padEnd(24)} ${amount(b.unit, b.spent + b.reserved)} of ${amount(b.unit, b.limit)} (${b.percent}%), ${resets}`);
  }
  for (const c of caps) lines.push(`  ${c.budget.padEnd(24)} ${fmtInt(c.spent)} of ${fmtInt(c.limit)} (${c.percent}%) in the latest session`);
  if (governed.length) lines.push(`  dispatches stepped in on: ${governed.map((g) => `${g.n} ${g.g}`).join(', ')} (why: \`agent-warden dispatches\`)`);
  return lines.join('\n') + '\n';
}

const ROLLING_SCOPES = new Set(['5h', '7d']);

/** The project's listing cost by source, now (null across projects, or when the agents cannot be read). */
function withListing(report: UsageReport): UsageReport & { listing_by_source: ListingBySource | null } {
  let listing: ListingBySource | null = null;
  if (report.filters.project) {
    try {
      const { listingBySource } = require('../../core/curator/listing-sources') as typeof import('../../core/curator/listing-sources');
      listing = listingBySource(report.filters.project);
    } catch {
      listing = null;
    }
  }
  return { ...report, listing_by_source: listing };
}

function listingLine(listing: ListingBySource | null): string {
  if (!listing) return '';
  const total = listing.builtin + listing.user + listing.plugin + listing.project;
  const n = (v: number) => v.toLocaleString('en-US');
  return `Agent listing now: ${n(total)} tokens per request (built-in ${n(listing.builtin)}, user ${n(listing.user)}, plugin ${n(listing.plugin)}, project ${n(listing.project)}); "agent-warden core plan" shows what curation saves.`;
}

function terminalReport(report: UsageReport & { listing_by_source: ListingBySource | null }): string {
  // Every column needs about 150 characters; narrower terminals get the compact table.
  const wide = (process.stdout.columns ?? 200) >= 150;
  const rows = [...report.groups, { ...report.total, key: pc.bold('total') }];
  const grid = table(rows, [
    { header: report.group_by, value: (g) => g.key },
    ...USAGE_COLUMNS.filter((c) => wide || !c.wide).map((c) => ({ header: c.header, value: c.value, align: c.right ? ('right' as const) : ('left' as const) })),
  ]);
  const hidden = wide ? [] : USAGE_COLUMNS.filter((c) => c.wide).map((c) => c.header);
  // Say what a narrow terminal leaves out rather than drop it silently.
  const note = hidden.length ? [pc.dim(`${hidden.length} columns left out to fit ${process.stdout.columns} columns (${hidden.join(', ')}): widen the terminal to 150, or use --md, --csv or --json.`)] : [];
  const lines = [pc.dim(scopeLine(report)), grid, ...note, '', mainThreadLine(report)];
  const listing = listingLine(report.listing_by_source);
  if (listing) lines.push(listing);
  return [...lines, pc.dim(footnotes(report)), ''].join('\n');
}

/** Claude's 5-hour and weekly windows over the report's period: peaks and time above window budgets. */
function windowsSection(since: number | undefined): string | undefined {
  try {
    const now = Date.now();
    const { config } = loadConfig(projectOf(undefined));
    const days = since === undefined ? 7 : Math.max(0, (now - since) / 86_400_000);
    const data = withLedger((db) => windowRows(db, config, now, days), { catchUp: false });
    return data.history.length ? windowHistoryText(data, now) : undefined;
  } catch {
    return undefined;
  }
}

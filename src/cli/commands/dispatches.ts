import type { Command } from 'commander';
import { iterateDispatchJson, listDispatches, type DispatchRecord } from '../../ledger/read-dispatches';
import { toCsv, type CsvValue } from '../../report/csv';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { fmtInt, fmtMs, fmtUsd, pc, printJson, printJsonLines, shortTime, table } from '../output';
import { parseSince } from '../time';
import { csvOption, jsonOption, projectFilter, projectOption, sinceOption } from '../flags';

export function registerDispatchCommands(program: Command): void {
  program
    .command('dispatches')
    .description('list subagent dispatches: who was asked what, status, billed tokens and cost; every project unless --project (--csv has every field of --json, lists as JSON text)')
    .option('--session <id>', 'only this session')
    .addOption(sinceOption())
    .option('--agent <type>', 'only this agent type')
    .addOption(projectOption())
    .addOption(jsonOption())
    .addOption(csvOption())
    .action((opts) => {
      const filter = { sessionId: opts.session, since: parseSince(opts.since), agentType: opts.agent, project: projectFilter(opts.project) };
      if (opts.json) return withLedger((db) => printJsonLines(iterateDispatchJson(db, filter)));
      const rows = withLedger((db) => listDispatches(db, filter));
      if (opts.csv) return void process.stdout.write(dispatchCsv(rows));
      if (!rows.length) return void process.stdout.write('No dispatches recorded yet.\n');
      process.stdout.write(dispatchTable(rows) + '\n');
    });

  program
    .command('show <id>')
    .description('print one dispatch in full (by id, tool_use_id or agent_id)')
    .addOption(jsonOption())
    .action((id: string, opts) => {
      const [row] = withLedger((db) => listDispatches(db, { id, limit: 1 }));
      if (!row) throw new UserError(`no dispatch with id, tool_use_id or agent_id "${id}"`, 'list them with `agent-warden dispatches`');
      if (opts.json) return printJson(row);
      const lines = Object.entries(row).map(([k, v]) => `${pc.bold(k.padEnd(22))} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '')}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}

const CSV_COLUMNS: (keyof DispatchRecord)[] = [
  'id', 'session_id', 'project', 'tool_use_id', 'agent_id', 'parent_agent_id', 'agent_type', 'requested_type', 'via_proxy', 'description', 'model', 'background', 'status',
  'started_at', 'ended_at', 'duration_ms', 'tool_use_count', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'total_tokens', 'reported_total_tokens',
  'cost_usd', 'unpriced', 'prompt_tokens', 'prompt_tokens_exact', 'error', 'files_written', 'transcript_path', 'prompt', 'final_message',
];

export function dispatchCsv(rows: DispatchRecord[]): string {
  return toCsv(
    CSV_COLUMNS as string[],
    rows.map((r) => CSV_COLUMNS.map((c) => (typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : (r[c] as CsvValue)))),
  );
}

export function dispatchTable(rows: DispatchRecord[]): string {
  return table(rows, [
    { header: 'id', value: (r) => r.id, align: 'right' },
    { header: 'started', value: (r) => shortTime(Date.parse(r.started_at ?? '')) },
    { header: 'agent', value: (r) => r.agent_type + (r.via_proxy ? ' (proxy)' : '') },
    { header: 'status', value: (r) => colourStatus(r.status) },
    { header: 'bg', value: (r) => (r.background ? 'yes' : '') },
    { header: 'duration', value: (r) => fmtMs(r.duration_ms), align: 'right' },
    { header: 'tokens', value: (r) => fmtInt(r.total_tokens), align: 'right' },
    { header: 'cost', value: (r) => (r.status === 'denied' ? '' : fmtUsd(r.cost_usd)), align: 'right' },
    { header: 'description', value: (r) => r.description },
  ]) + governanceNotes(rows);
}

/** Why agent-warden refused, asked about or downgraded a dispatch, one line each under the table. */
function governanceNotes(rows: DispatchRecord[]): string {
  const lines = rows.filter((r) => r.governance).map((r) => `${pc.yellow(`#${r.id} ${r.governance}`)}: ${r.governance_reason ?? r.error ?? ''}`);
  return lines.length ? '\n' + lines.join('\n') : '';
}

const colourStatus = (s: string) => (s === 'completed' ? pc.green(s) : s === 'running' ? pc.cyan(s) : pc.red(s));

// `agent-warden failures` (the dead letters to investigate) and `agent-warden replay <id>` (the
// exact Agent tool input to send one of them again).
import type { Command } from 'commander';
import { listDispatches } from '../../ledger/read-dispatches';
import { queryFailures, replayInput, type FailuresReport } from '../../report/failures';
import { mdTable } from '../../report/markdown';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { pc, printJson, shortTime, table } from '../output';
import { addScopeOptions, scopeFrom, withProgress } from './report';
import { jsonOption } from '../flags';

export function registerFailureCommands(program: Command): void {
  const cmd = program.command('failures').description('failed, killed and denied dispatches and open circuits, newest first, with their errors');
  addScopeOptions(cmd)
    .option('--limit <n>', 'at most this many dispatches', '50')
    .addOption(jsonOption())
    .option('--md', 'print Markdown (for slash commands)')
    .action((opts) => {
      const report = withProgress('reading the ledger', () => withLedger((db) => queryFailures(db, scopeFrom(opts), Number(opts.limit) || 50)));
      if (opts.json) return printJson(report);
      if (!report.dispatches.length && !report.circuits.length) {
        return void process.stdout.write('No failed, killed or denied dispatches and no open circuits. Nothing to investigate.\n');
      }
      process.stdout.write(opts.md ? failuresMarkdown(report) : failuresTerminal(report));
    });

  program
    .command('replay <id>')
    .description('print the Agent tool input that sends a dispatch again (id, tool_use_id or agent_id)')
    .action((id: string) => {
      const input = withLedger((db) => {
        const [row] = listDispatches(db, { id, limit: 1 });
        if (!row) throw new UserError(`no dispatch with id, tool_use_id or agent_id "${id}"`, 'list failed ones with `agent-warden failures`');
        return replayInput(db, row);
      });
      printJson(input);
    });
}

function failuresTerminal(r: FailuresReport): string {
  const out: string[] = [];
  if (r.dispatches.length) {
    out.push(pc.bold('Dispatches'), table(r.dispatches, [
      { header: 'id', value: (d) => d.id, align: 'right' },
      { header: 'started', value: (d) => shortTime(Date.parse(d.started_at ?? '')) },
      { header: 'agent', value: (d) => d.agent_type },
      { header: 'status', value: (d) => pc.red(d.status) },
      { header: 'description', value: (d) => d.description },
      { header: 'error', value: (d) => d.error },
    ]), pc.dim('Send one again: agent-warden replay <id>'), '');
  }
  if (r.circuits.length) {
    out.push(pc.bold('Open circuits'), table(r.circuits, [
      { header: 'session', value: (c) => c.session_id.slice(0, 8) },
      { header: 'kind', value: (c) => c.kind },
      { header: 'state', value: (c) => pc.yellow(c.state) },
      { header: 'failures', value: (c) => c.failures, align: 'right' },
      { header: 'what', value: (c) => c.label ?? c.key },
      { header: 'last error', value: (c) => c.last_error },
    ]), '');
  }
  return out.join('\n') + '\n';
}

function failuresMarkdown(r: FailuresReport): string {
  const out = ['## agent-warden failures', ''];
  out.push(`### Dispatches (${r.dispatches.length}, newest first)`, '');
  out.push(r.dispatches.length
    ? mdTable(['id', 'started', 'agent', 'status', 'description', 'error'], r.dispatches.map((d) => [d.id, d.started_at, d.agent_type, d.status, d.description, d.error]))
    : 'None.');
  out.push('', `### Open circuits (${r.circuits.length})`, '');
  out.push(r.circuits.length
    ? mdTable(['session', 'kind', 'state', 'failures', 'what', 'last error'], r.circuits.map((c) => [c.session_id, c.kind, c.state, c.failures, c.label ?? c.key, c.last_error]))
    : 'None.');
  out.push('', 'Send a dispatch again with `agent-warden replay <id>`.');
  return out.join('\n') + '\n';
}

import type { Command } from 'commander';
import { withLedger } from '../ledger-access';
import { listSessions } from '../../ledger/read-sessions';
import { fmtInt, fmtUsd, printJson, shortTime, table } from '../output';
import { parseSince } from '../time';
import { jsonOption, projectFilter, projectOption, sinceOption } from '../flags';

export type { SessionRecord } from '../../ledger/read-sessions';

export function registerSessionCommands(program: Command): void {
  program
    .command('sessions')
    .description('list sessions with their events and billed tokens (main thread and subagents); every project unless --project')
    .addOption(sinceOption())
    .addOption(projectOption())
    .addOption(jsonOption())
    .action((opts) => {
      const records = withLedger((db) => listSessions(db, { since: parseSince(opts.since), project: projectFilter(opts.project) }));
      if (opts.json) return printJson(records);
      if (!records.length) return void process.stdout.write('No sessions recorded yet.\n');
      if (records.some((r) => r.cost_source === 'estimated' || r.cost_source === 'mixed')) {
        process.stderr.write('agent-warden: "~" marks a cost that includes an estimate (models without a known price; see `agent-warden pricing`).\n');
      }
      process.stdout.write(
        table(records, [
          { header: 'session', value: (r) => r.session_id.slice(0, 8) },
          { header: 'started', value: (r) => shortTime(Date.parse(r.started_at ?? '')) },
          { header: 'project', value: (r) => r.project },
          { header: 'events', value: (r) => r.events, align: 'right' },
          { header: 'dispatches', value: (r) => r.dispatches, align: 'right' },
          { header: 'main tokens', value: (r) => fmtInt(r.main_tokens), align: 'right' },
          { header: 'subagent tokens', value: (r) => fmtInt(r.subagent_tokens), align: 'right' },
          { header: 'main cost', value: (r) => fmtUsd(r.main_cost_usd), align: 'right' },
          { header: 'subagent cost', value: (r) => fmtUsd(r.subagent_cost_usd), align: 'right' },
          { header: 'cost', value: (r) => `${r.cost_source === 'estimated' || r.cost_source === 'mixed' ? '~' : ''}${fmtUsd(r.cost_usd)}`, align: 'right' },
        ]) + '\n',
      );
    });
}

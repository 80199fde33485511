import type { Command } from 'commander';
import { didYouMean } from '../../runtime/config/problems';
import { EVENT_KINDS } from '../../ledger/event-kinds';
import { listEventRows } from '../../ledger/read-events';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { iso, printJson, shortTime, table } from '../output';
import { jsonOption } from '../flags';

export function registerEventCommands(program: Command): void {
  program
    .command('events')
    .description('print the event log in order (hook payloads and derived facts)')
    .option('--session <id>', 'only this session')
    .option('--kind <kind>', 'only this kind (PreToolUse, decision, transcript_usage, …)')
    .option('--limit <n>', 'at most this many, newest last', (v) => parseInt(v, 10))
    .addOption(jsonOption())
    .action((opts) => {
      const rows = withLedger((db) => {
        if (opts.kind) {
          const recorded = (db.prepare('SELECT DISTINCT kind FROM events').all() as { kind: string }[]).map((r) => r.kind);
          const known = [...new Set([...EVENT_KINDS, ...recorded])].sort();
          if (!known.includes(opts.kind)) {
            const guess = didYouMean(opts.kind, known);
            throw new UserError(`"${opts.kind}" is not an event kind${guess ? ` (did you mean "${guess}"?)` : ''}`, `use one of: ${known.join(', ')}`);
          }
        }
        return listEventRows(db, { sessionId: opts.session, kind: opts.kind, limit: opts.limit });
      });
      const records = rows.map((r) => ({
        seq: r.seq,
        uid: r.uid,
        received_at: iso(r.received_at),
        kind: r.kind,
        session_id: r.session_id,
        project: r.project,
        agent_id: r.agent_id,
        tool_name: r.tool_name,
        tool_use_id: r.tool_use_id,
        source: r.source,
        payload: JSON.parse(r.payload),
      }));
      if (opts.json) return printJson(records);
      if (!records.length) return void process.stdout.write(opts.kind || opts.session ? `No ${opts.kind ? `${opts.kind} ` : ''}events recorded${opts.session ? ` for session ${opts.session}` : ''} yet.\n` : 'No events recorded yet.\n');
      process.stdout.write(
        table(records, [
          { header: 'seq', value: (r) => r.seq, align: 'right' },
          { header: 'time', value: (r) => shortTime(Date.parse(r.received_at ?? '')) },
          { header: 'kind', value: (r) => r.kind },
          { header: 'session', value: (r) => r.session_id?.slice(0, 8) },
          { header: 'agent', value: (r) => r.agent_id },
          { header: 'tool', value: (r) => r.tool_name },
          { header: 'source', value: (r) => r.source },
        ]) + '\n',
      );
    });
}

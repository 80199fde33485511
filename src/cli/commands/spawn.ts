// `agent-warden spawn`: the spawn caps (how many subagents a session may start, how many at once,
// how deep) and a logged one-off raise of a cap for one session, the command a cap denial names.
import type { Command } from 'commander';
import { capStatus } from '../../core/budget/status';
import { formatProblem, loadConfig } from '../../runtime/config/load';
import { record } from '../../ledger/project';
import { capNames } from '../../core/spawn/caps';
import { projectOf } from '../../runtime/paths';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { fmtInt, printJson, table } from '../output';
import { jsonOption } from '../flags';

export function registerSpawnCommands(program: Command): void {
  const spawn = program.command('spawn').description('spawn caps: subagents per session, running at once, nesting depth');

  spawn
    .command('status')
    .description("each configured cap and where a session stands against it")
    .option('--session <id>', 'the session (default: the latest)')
    .addOption(jsonOption())
    .action((opts) => {
      const { config, problems } = loadConfig(projectOf(undefined));
      for (const p of problems) process.stderr.write(`agent-warden: config: ${formatProblem(p)}\n`);
      const rows = withLedger((db) => {
        const session = opts.session ?? (db.prepare('SELECT session_id FROM sessions ORDER BY last_event_at DESC LIMIT 1').get() as { session_id: string } | undefined)?.session_id ?? '';
        return capStatus(db, config, session);
      });
      if (opts.json) return printJson(rows);
      if (!rows.length) return void process.stdout.write('No spawn caps configured. Add one under "spawn" in the config, e.g. {"spawn": {"max_per_session": 20}}.\n');
      process.stdout.write(
        table(rows, [
          { header: 'cap', value: (r) => r.budget.replace(/^spawn\./, '') },
          { header: 'this session', value: (r) => fmtInt(r.spent), align: 'right' },
          { header: 'cap', value: (r) => fmtInt(r.limit), align: 'right' },
        ]) + '\n',
      );
    });

  spawn
    .command('override')
    .description('a logged one-off raise of one cap, for one session (or every session with no --session)')
    .option('--session <id>', 'the session that may spawn more')
    .requiredOption('--cap <name>', `the cap: ${capNames.join(', ')}`)
    .requiredOption('--add <n>', 'how much to add to the cap', Number)
    .option('--note <text>', 'why, for the log')
    .addOption(jsonOption())
    .action((opts) => {
      if (!(capNames as readonly string[]).includes(opts.cap)) throw new UserError(`unknown cap "${opts.cap}"`, `use one of ${capNames.join(', ')}`);
      if (!Number.isInteger(opts.add) || opts.add <= 0) throw new UserError('--add needs a positive whole number', 'e.g. `agent-warden spawn override --session <id> --cap max_per_session --add 4`');
      const { config } = loadConfig(projectOf(undefined));
      const payload = { session_id: opts.session ?? null, cap: opts.cap, add: opts.add, note: opts.note ?? null };
      const seq = withLedger(
        (db) => record(db, { kind: 'spawn_override', receivedAt: Date.now(), sessionId: opts.session, source: 'cli', payload }, { pricing: config.pricing })?.seq,
        { write: true },
      );
      if (opts.json) return printJson({ seq, ...payload });
      process.stderr.write(`agent-warden: spawn override recorded (event ${seq})\n`);
    });
}

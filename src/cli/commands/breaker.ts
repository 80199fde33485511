import type { Command } from 'commander';
import { listCircuits, type CircuitStatus } from '../../core/breaker/status';
import { resetCircuits } from '../../core/breaker/reset';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { iso, printJson, shortTime, table } from '../output';
import { jsonOption } from '../flags';

const KEY_SHAPE = /^(call:[^:]+:[0-9a-f]+|agent:.+)$/;

export function registerBreakerCommands(program: Command): void {
  const breaker = program.command('breaker').description('circuit breakers that stop retry loops');

  breaker
    .command('status')
    .description('list open and half-open circuits (calls and agent types that keep failing)')
    .option('--session <id>', 'only this session')
    .option('--all', 'include closed circuits')
    .addOption(jsonOption())
    .action((opts) => {
      const now = Date.now();
      const rows = withLedger((db) => listCircuits(db, now, { sessionId: opts.session, includeClosed: Boolean(opts.all) }));
      if (opts.json) return printJson(rows.map(toJson));
      if (!rows.length) return void process.stdout.write(opts.all ? 'No circuits recorded.\n' : 'No open circuits.\n');
      process.stdout.write(
        table(rows, [
          { header: 'session', value: (r) => r.session_id.slice(0, 8) },
          { header: 'key', value: (r) => r.key },
          { header: 'what', value: (r) => r.label },
          { header: 'state', value: (r) => (r.effective_state === r.state ? r.state : `${r.state} → trial allowed`) },
          { header: 'failures', value: (r) => r.failures, align: 'right' },
          { header: 'trial at', value: (r) => shortTime(r.reopens_at) },
          { header: 'last error', value: (r) => r.last_error },
        ]) + '\n',
      );
      process.stderr.write('Clear one with `agent-warden breaker reset KEY` (or `--all`).\n');
    });

  breaker
    .command('reset [key]')
    .description('close a circuit (or all) and forget the failures it counted')
    .option('--all', 'every circuit (of the session, with --session)')
    .option('--session <id>', 'only in this session')
    .action((key: string | undefined, opts) => {
      if (Boolean(key) === Boolean(opts.all)) {
        throw new UserError('give either a circuit KEY or --all', 'see the keys with `agent-warden breaker status`');
      }
      if (key && !KEY_SHAPE.test(key)) {
        throw new UserError(`"${key}" is not a circuit key`, 'keys look like call:main:3f2a… or agent:<type>; see `agent-warden breaker status`');
      }
      const closed = withLedger(
        (db) => {
          if (opts.session && !db.prepare('SELECT 1 FROM sessions WHERE session_id = ?').get(opts.session)) {
            throw new UserError(`no session ${opts.session} in the ledger`, 'see the ids with `agent-warden sessions`');
          }
          return resetCircuits(db, { key, all: Boolean(opts.all), sessionId: opts.session }, Date.now());
        },
        { write: true },
      );
      process.stderr.write(`Reset ${key ?? 'all circuits'}${opts.session ? ` in session ${opts.session}` : ''}: ${closed} open circuit(s) closed; their failure streaks start again from zero.\n`);
    });
}

function toJson(r: CircuitStatus) {
  return { ...r, opened_at: iso(r.opened_at), reopens_at: iso(r.reopens_at), updated_at: iso(r.updated_at) };
}

import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config/load';
import { replaySpool } from '../../core/spool-replay';
import { rebuildProjections } from '../../ledger/rebuild';
import { spooledFiles } from '../../ledger/spool';
import { fillExactPromptTokens } from '../../core/prompt-token-backfill';
import { withLedger } from '../ledger-access';
import { printJson } from '../output';
import { jsonOption } from '../flags';

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('maintain the ledger (rebuild projections, ingest the spool)');
  ledger
    .command('rebuild')
    .description('drop every projection and replay the event log in order')
    .addOption(jsonOption())
    .action((opts) => {
      const { config } = loadConfig(process.cwd());
      const started = Date.now();
      const events = withLedger(
        (db) =>
          rebuildProjections(db, { pricing: config.pricing }, (done, total) => {
            if (!opts.json && process.stderr.isTTY) process.stderr.write(`\rreplayed ${done}/${total} events`);
          }),
        { write: true },
      );
      if (!opts.json && process.stderr.isTTY) process.stderr.write('\n');
      const result = { events, ms: Date.now() - started };
      if (opts.json) return printJson(result);
      process.stdout.write(`Rebuilt projections from ${events} events in ${result.ms} ms.\n`);
    });
  ledger
    .command('count-tokens')
    .description('replace the chars/4 estimate of dispatch prompts with exact cl100k counts (SessionEnd starts this in the background)')
    .option('--session <id>', 'only this session')
    .addOption(jsonOption())
    .action((opts) => {
      const { config } = loadConfig(process.cwd());
      const counted = withLedger((db) => fillExactPromptTokens(db, config, { sessionId: opts.session, limit: Number.MAX_SAFE_INTEGER }), { write: true });
      if (opts.json) return printJson({ counted });
      process.stdout.write(`Counted ${counted} dispatch prompts exactly.\n`);
    });
  ledger
    .command('ingest')
    .description('replay events spooled while the ledger was unavailable')
    .addOption(jsonOption())
    .action((opts) => {
      const waiting = spooledFiles().length;
      const { config } = loadConfig(process.cwd());
      const done = withLedger((db) => replaySpool(db, config, Number.MAX_SAFE_INTEGER), { write: true });
      if (opts.json) return printJson({ waiting, ingested: done });
      process.stdout.write(`Ingested ${done} of ${waiting} spooled events.\n`);
    });
}

// `agent-warden pricing`: the price table in use (source, version, date), and for every model the
// ledger has seen, its rates and where they come from: config, table, learned from Claude Code's
// own cost figures, or estimated from the newest model of its family.
import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config/load';
import { buildPricingReport } from '../../report/pricing';
import { projectOf } from '../../runtime/paths';
import { withLedger } from '../ledger-access';
import { printJson, table } from '../output';
import { jsonOption } from '../flags';

export function registerPricingCommand(program: Command): void {
  program
    .command('pricing')
    .description('the price table in use and how each model seen is priced (table, config, learned from Claude Code, or estimated)')
    .addOption(jsonOption())
    .action((opts) => {
      const { config } = loadConfig(projectOf(undefined));
      const report = withLedger((db) => buildPricingReport(db, config.pricing));
      if (opts.json) return printJson(report);
      process.stdout.write(
        `Price table: ${report.table.source} ${report.table.version}, dated ${report.table.date} (refresh: \`npm run prices:refresh\` in a checkout). USD per million tokens.\n`,
      );
      if (!report.models.length) return void process.stdout.write('No model usage recorded yet.\n');
      const usd = (n: number) => `$${Number(n.toPrecision(4))}`;
      process.stdout.write(
        table(report.models, [
          { header: 'model', value: (m) => m.model },
          { header: 'input', value: (m) => usd(m.input), align: 'right' },
          { header: 'output', value: (m) => usd(m.output), align: 'right' },
          { header: 'cache write 5m', value: (m) => usd(m.cache_write_5m), align: 'right' },
          { header: 'cache write 1h', value: (m) => usd(m.cache_write_1h), align: 'right' },
          { header: 'cache read', value: (m) => usd(m.cache_read), align: 'right' },
          { header: 'price', value: (m) => m.note },
        ]) + '\n',
      );
    });
}

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../runtime/config/load';
import { discover } from '../../core/discovery/discover';
import { openLedger, type Ledger } from '../../ledger/db';
import { errorText } from '../../runtime/log';
import { UserError } from '../errors';
import { fmtInt, printJson, table } from '../output';
import { jsonOption, projectDir, projectOption } from '../flags';

export function registerFindCommand(program: Command): void {
  program
    .command('find')
    .description('rank the core and extended agents of a project for a task (what discover_agents answers)')
    .argument('[query...]', 'the task, in a few words')
    .option('--stdin', 'read the query from standard input (slash commands use this, so quotes in it are plain text)')
    .addOption(projectOption())
    .option('--limit <n>', 'how many to show', '5')
    .addOption(jsonOption())
    .action((args: string[], opts) => {
      const words = opts.stdin ? [readFileSync(0, 'utf8').trim()] : args;
      if (!words.join('').trim()) throw new UserError('no query given', 'describe the task, e.g. `agent-warden find review a pull request`');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a positive whole number, not "${opts.limit}"`);
      const project = projectDir(opts.project);
      // The usage prior needs the ledger; without one the ranking still works, and says so.
      let ledger: Ledger | undefined;
      try {
        ledger = openLedger({ readonly: true });
      } catch (err) {
        process.stderr.write(`agent-warden: ranking without this project's usage history (ledger: ${errorText(err)})\n`);
      }
      let halfLifeDays: number | undefined;
      try {
        halfLifeDays = loadConfig(project).config.core.half_life_days;
      } catch {
        // the default half-life; config problems are reported by the commands that use them
      }
      let found;
      try {
        found = discover(project, words.join(' '), { limit, ledger, halfLifeDays });
      } finally {
        ledger?.close();
      }
      if (found.priorSkipped && ledger) process.stderr.write(`agent-warden: ranking without this project's usage history: ${found.priorSkipped}\n`);
      const ranked = found.results.map(({ doc, score, also }) => ({
        name: doc.name,
        tier: doc.tier,
        category: doc.category ?? null,
        listing_tokens: doc.listingTokens,
        score: Math.round(score * 100) / 100,
        description: doc.summary,
        also: also.map((d) => d.name),
      }));
      if (opts.json) return printJson(ranked);
      if (ranked.length === 0) return void process.stdout.write(`No agent in ${project} matches "${words.join(' ')}".\n`);
      process.stdout.write(
        table(ranked, [
          { header: 'agent', value: (r) => r.name },
          { header: 'tier', value: (r) => r.tier },
          { header: 'category', value: (r) => r.category },
          { header: 'tokens', value: (r) => fmtInt(r.listing_tokens), align: 'right' },
          // The same role from other collections, each also a valid subagent_type.
          ...(ranked.some((r) => r.also.length) ? [{ header: 'also', value: (r: (typeof ranked)[number]) => r.also.join(', ') }] : []),
          { header: 'description', value: (r) => r.description },
        ]) + '\n',
      );
    });
}

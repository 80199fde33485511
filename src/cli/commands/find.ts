import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadCollection } from '../../discovery/collection';
import { rankDocs } from '../../discovery/rank';
import { UserError } from '../errors';
import { fmtInt, printJson, table } from '../output';

export function registerFindCommand(program: Command): void {
  program
    .command('find')
    .description('rank the core and extended agents of a project for a task (what discover_agents answers)')
    .argument('[query...]', 'the task, in a few words')
    .option('--stdin', 'read the query from standard input (slash commands use this, so quotes in it are plain text)')
    .option('--project <dir>', 'project folder (default: the current directory)')
    .option('--limit <n>', 'how many to show', '5')
    .option('--json', 'print JSON')
    .action((args: string[], opts) => {
      const words = opts.stdin ? [readFileSync(0, 'utf8').trim()] : args;
      if (!words.join('').trim()) throw new UserError('no query given', 'describe the task, e.g. `agent-warden find review a pull request`');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a positive whole number, not "${opts.limit}"`);
      const project = opts.project ?? process.env.CLAUDE_PROJECT_DIR ?? process.cwd();
      const ranked = rankDocs(loadCollection(project), words.join(' '), limit).map(({ doc, score }) => ({
        name: doc.name,
        tier: doc.tier,
        category: doc.category ?? null,
        listing_tokens: doc.listingTokens,
        score: Math.round(score * 100) / 100,
        description: doc.summary,
      }));
      if (opts.json) return printJson(ranked);
      if (ranked.length === 0) return void process.stdout.write(`No agent in ${project} matches "${words.join(' ')}".\n`);
      process.stdout.write(
        table(ranked, [
          { header: 'agent', value: (r) => r.name },
          { header: 'tier', value: (r) => r.tier },
          { header: 'category', value: (r) => r.category },
          { header: 'tokens', value: (r) => fmtInt(r.listing_tokens), align: 'right' },
          { header: 'description', value: (r) => r.description },
        ]) + '\n',
      );
    });
}

import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { loadConfig } from '../../runtime/config/load';
import { renderDashboard } from '../../dashboard/render-html';
import { dashboardData, type DashboardData } from '../../report/dashboard-data';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { parseSince } from '../time';
import { projectDir, projectOption, sinceOption } from '../flags';

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('charts of spend, sessions, budgets, failures and the core listing: one self-contained HTML file, or served on 127.0.0.1')
    .option('--out <file>', 'write the page to this file (opens from disk, no network)')
    .option('--serve', 'serve the page on 127.0.0.1, fresh data on every load')
    .option('--port <n>', 'port for --serve (default: any free one)', '0')
    .addOption(sinceOption('30d'))
    .addOption(projectOption())
    .action(async (opts) => {
      if (!opts.out && !opts.serve) throw new UserError('say where the dashboard goes', 'run `agent-warden dashboard --out dashboard.html` or `agent-warden dashboard --serve`');
      const page = () => renderDashboard(collect(opts));
      if (opts.out) {
        const file = resolve(opts.out);
        writeFileSync(file, page(), { mode: 0o600 });
        process.stdout.write(`Wrote ${file}\n`);
      }
      if (opts.serve) await serve(page, Number(opts.port));
    });
}

function collect(opts: { since: string; project?: string }): DashboardData {
  const project = projectDir(opts.project);
  const { config } = loadConfig(project);
  const since = parseSince(opts.since) ?? 0;
  return withLedger((db) =>
    dashboardData(db, config, { since, now: Date.now(), project: opts.project ? project : undefined, listing: listingOf(project) }),
  );
}

/** Listing tokens of every agent the project has (as if none were curated) and of its core now. */
function listingOf(project: string): DashboardData['listing'] {
  try {
    // Loaded here only: the catalog pulls in frontmatter parsing and the tokenizer.
    const { buildCatalog } = require('../../core/curator/catalog') as typeof import('../../core/curator/catalog');
    const { listingCost } = require('../../core/curator/plan') as typeof import('../../core/curator/plan');
    const entries = buildCatalog(project).entries;
    if (!entries.length) return null;
    const all = entries.filter((e) => e.listable && (e.tier === 'extended' || !e.shadowed));
    const now = listingCost(entries);
    return { project, before_agents: all.length, before_tokens: all.reduce((n, e) => n + e.listingTokens, 0), after_agents: now.agents, after_tokens: now.tokens };
  } catch {
    return null;
  }
}

function serve(page: () => string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url !== '/' && req.url !== '/index.html')) {
        res.writeHead(404).end('not found');
        return;
      }
      try {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page());
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`agent-warden: ${(err as Error).message}\n`);
      }
    });
    server.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? new UserError(`port ${port} is taken`, 'pick another with --port, or leave it out for any free port') : err));
    // Loopback only: the page shows prompts and spend.
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      process.stdout.write(`Serving the dashboard on http://127.0.0.1:${bound}/ (Ctrl-C to stop)\n`);
      const stop = () => server.close(() => done());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}

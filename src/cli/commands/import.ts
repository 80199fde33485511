import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/load';
import { emptyTotals, importSessions, withStatementCache } from '../../importer/import-history';
import { scanProjects } from '../../importer/scan';
import { MAX_LINE_BYTES } from '../../runtime/tokens/jsonl-tail';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { fmtInt, printJson } from '../output';
import { startProgress } from '../progress';
import { parseSince } from '../time';
import { jsonOption, sinceOption } from '../flags';

/** Where Claude Code keeps transcripts: `$CLAUDE_CONFIG_DIR/projects`, else `~/.claude/projects`. */
export function defaultProjectsDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CLAUDE_CONFIG_DIR?.split(',')[0]?.trim() || join(env.HOME || homedir(), '.claude');
  return join(base, 'projects');
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description("read Claude Code's transcripts from before the install into the ledger (safe to run again: adds only what is new)")
    .addOption(sinceOption())
    .option('--projects-dir <dir>', 'the transcripts folder (default: $CLAUDE_CONFIG_DIR/projects or ~/.claude/projects)')
    .addOption(jsonOption())
    .action((opts) => {
      const dir = opts.projectsDir ?? defaultProjectsDir();
      const sessions = scanProjects(dir, { sinceMs: parseSince(opts.since) });
      if (!sessions.length && !opts.projectsDir && !opts.since) {
        throw new UserError(`no Claude Code transcripts in ${dir}`, 'name the folder with `agent-warden import --projects-dir <dir>`');
      }
      const { config } = loadConfig(process.cwd());
      const totalBytes = sessions.reduce((n, s) => n + s.bytes, 0);
      const totals = emptyTotals();
      const started = Date.now();
      const progress = opts.json ? undefined : startProgress('importing', totalBytes, 'MB');
      withLedger(
        (ledger) => {
          // A batch touches pages all over the usage and event indexes: keep them in memory (64 MB,
          // this connection only) instead of SQLite's 2 MB default re-reading them.
          ledger.pragma('cache_size = -65536');
          importSessions(withStatementCache(ledger), sessions, config, totals, (files) => {
            totals.bytes += files.bytes;
            progress?.update(totals.bytes);
          });
        },
        { write: true },
      );
      progress?.stop();
      const seconds = (Date.now() - started) / 1000;
      const result = {
        projects_dir: dir,
        sessions_seen: sessions.length,
        sessions_imported: totals.sessions,
        sessions_topped_up: totals.recorded,
        dispatches_added: totals.dispatches,
        events_added: totals.events,
        bytes_read: totals.bytes,
        lines_skipped: totals.skippedLines,
        mb_per_s: seconds > 0 ? Number((totals.bytes / 1e6 / seconds).toFixed(1)) : null,
      };
      if (opts.json) return printJson(result);
      const unchanged = sessions.length - totals.sessions - totals.recorded;
      process.stdout.write(
        `Imported ${fmtInt(totals.sessions)} sessions and ${fmtInt(totals.dispatches)} dispatches from ${dir}` +
          (totals.recorded ? `; topped up ${fmtInt(totals.recorded)} sessions the hooks had recorded` : '') +
          (unchanged ? `; ${fmtInt(unchanged)} already in the ledger` : '') +
          '.\n' +
          (totals.skippedLines ? `${fmtInt(totals.skippedLines)} line(s) over ${MAX_LINE_BYTES / 1024 / 1024} MB skipped, not counted (see warden.log).\n` : ''),
      );
    });
}

// `agent-warden core plan|apply|restore|watch`: the curated core agent set. The commands only
// orchestrate; the curator modules (and gray-matter, chokidar, tiktoken behind them) load when one
// of these commands runs, never at CLI start. Actions are async: run the program with parseAsync().
import type { SqliteDb as Database } from '../../ledger/driver';
import type { Command } from 'commander';
import { homedir } from 'node:os';
import pc from 'picocolors';
import type { Colors } from 'picocolors/types';
import type { Config } from '../../runtime/config/schema';
import { userAgentsDir } from '../../core/curator/layout';
import { UserError } from '../errors';
import { jsonOption, projectDir, projectOption } from '../flags';

export interface CoreCommandDeps {
  openLedger(): Database | undefined;
  loadConfig(projectDir: string): Config;
  /** Where output goes; stdout/stderr unless a test says otherwise. */
  io?: { out(text: string): void; err(text: string): void; color?: boolean };
  /** The user's home (~/.claude/agents, ~/.claude/plugins). */
  home?: string;
}

interface SharedOptions {
  json?: boolean;
  project?: string;
  user?: boolean;
}

export function registerCoreCommands(program: Command, deps: CoreCommandDeps): void {
  const core = program
    .command('core')
    .description('keep the most-used agents listed in .claude/agents and move the rest to .claude/agents-extended');

  const withShared = (cmd: Command, opts: { user?: boolean } = {}) => {
    cmd.addOption(jsonOption()).addOption(projectOption());
    // Kept for scripts: user and plugin agents are always counted now.
    if (opts.user) cmd.option('--user', "(default) count the user's ~/.claude/agents and the enabled plugins' agents");
    return cmd;
  };

  withShared(core.command('plan').description('show which agents would move and the tokens saved per request'), { user: true }).action(
    (opts: SharedOptions) =>
      run(deps, opts, async (ctx) => {
        const { planProject } = await import('../../core/curator/curate.js');
        const ledger = openLedgerSafely(deps);
        try {
          const planned = planProject(ctx.project, { config: deps.loadConfig(ctx.project), ledger: ledger.db, ledgerError: ledger.error, userDir: ctx.userDir, pluginHome: ctx.home });
          const report = await import('../../core/curator/report.js');
          if (opts.json) return ctx.out(JSON.stringify(report.planJson(planned), null, 2));
          ctx.out(report.formatPlan(planned, ctx.colors));
          ctx.note(report.formatNotes(planned, ctx.colors));
        } finally {
          ledger.db?.close();
        }
      }),
  );

  withShared(core.command('apply').description('move agents so the layout follows the plan (recorded, reversible with restore)'), { user: true }).action(
    (opts: SharedOptions) =>
      run(deps, opts, async (ctx) => {
        const { applyProject } = await import('../../core/curator/curate.js');
        const ledger = openLedgerSafely(deps);
        try {
          const outcome = await applyProject(ctx.project, {
            config: deps.loadConfig(ctx.project),
            ledger: ledger.db,
            ledgerError: ledger.error,
            userDir: ctx.userDir,
            pluginHome: ctx.home,
          });
          const report = await import('../../core/curator/report.js');
          if (opts.json) ctx.out(JSON.stringify(report.applyJson(outcome), null, 2));
          else {
            ctx.out(report.formatApply(outcome, ctx.colors));
            ctx.note(report.formatNotes(outcome.planned, ctx.colors));
          }
          if ((outcome.applied?.refused.length ?? 0) > 0 || outcome.skipped) process.exitCode = 1;
        } finally {
          ledger.db?.close();
        }
      }),
  );

  withShared(core.command('restore').description('put every agent file back where it was before the first apply')).action((opts: SharedOptions) =>
    run(deps, opts, async (ctx) => {
      const { restoreProject } = await import('../../core/curator/curate.js');
      const outcome = await restoreProject(ctx.project);
      const report = await import('../../core/curator/report.js');
      if (opts.json) ctx.out(JSON.stringify(report.restoreJson(outcome), null, 2));
      else ctx.out(report.formatRestore(outcome, ctx.colors));
      if (outcome.result.refused.length > 0) process.exitCode = 1;
    }),
  );

  core
    .command('watch')
    .description('keep the layout following the plan as agents and usage change; exits after core.idle_minutes of quiet')
    .addOption(projectOption())
    .option('--user', "(default) count the user's and the enabled plugins' agents")
    .action((opts: SharedOptions) =>
      run(deps, opts, async (ctx) => {
        const { startWatcher } = await import('../../core/curator/watch.js');
        const started = await startWatcher({
          project: ctx.project,
          loadConfig: () => deps.loadConfig(ctx.project),
          openLedger: () => deps.openLedger(),
          userDir: ctx.userDir,
          pluginHome: ctx.home,
          log: (line) => ctx.err(`agent-warden core watch: ${line}`),
        });
        if (!started.started) {
          ctx.err(`A curator watcher is already running for this project (pid ${started.owner?.pid ?? '?'}).`);
          return;
        }
        const stop = () => void started.watcher.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await started.watcher.done;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}

interface RunContext {
  project: string;
  userDir?: string;
  home: string;
  colors: Colors;
  out(text: string): void;
  err(text: string): void;
  /** stderr, skipped when empty. */
  note(text: string): void;
}

async function run(deps: CoreCommandDeps, opts: SharedOptions, body: (ctx: RunContext) => Promise<void>): Promise<void> {
  const out = deps.io?.out ?? ((text: string) => process.stdout.write(text + '\n'));
  const err = deps.io?.err ?? ((text: string) => process.stderr.write(text + '\n'));
  const useColor = deps.io?.color ?? (!opts.json && process.stdout.isTTY === true && !process.env.NO_COLOR);
  const project = projectDir(opts.project);
  const ctx: RunContext = {
    project,
    userDir: userAgentsDir(deps.home ?? homedir()),
    home: deps.home ?? homedir(),
    colors: pc.createColors(useColor),
    out,
    err,
    note: (text) => {
      if (text) err(text);
    },
  };
  try {
    await body(ctx);
  } catch (error) {
    throw asUserError(error) ?? error;
  }
}

// The curator's expected refusals become the user's errors (exit 1, with the fix); anything else
// is ours and reaches main's reportError as an internal error.
const fixes: Record<string, string> = {
  LockBusyError: 'wait for the other apply or watcher cycle to finish, then run the command again',
  WatcherRunningError: 'stop the watcher first',
  UnsafePathError: 'check the journal and manifest under .claude/agents-extended/.agent-warden/',
  CorruptStateError: 'move the named file aside and run "agent-warden core restore" or "core apply" again',
};

function asUserError(error: unknown): UserError | undefined {
  if (!(error instanceof Error) || !Object.hasOwn(fixes, error.name)) return undefined;
  return new UserError(error.message, fixes[error.name]);
}

function openLedgerSafely(deps: CoreCommandDeps): { db?: Database; error?: string } {
  try {
    const db = deps.openLedger();
    return db ? { db } : { error: 'no ledger yet' };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

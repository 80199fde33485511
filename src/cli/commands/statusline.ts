// `agent-warden statusline` (the line itself, for Claude Code's statusLine setting),
// `statusline install` / `uninstall`, and `windows` (Claude's reported windows: level, history, lifts).
import type { Command } from 'commander';
import { dirname } from 'node:path';
import { loadConfig } from '../../runtime/config/load';
import { record } from '../../ledger/project';
import { projectOf } from '../../runtime/paths';
import { gatherFacts } from '../../statusline/facts';
import { install, SettingsError, uninstall } from '../../statusline/install';
import { readStdin, runStatusline } from '../../statusline/run';
import { duration } from '../../core/budget/window';
import { windowRows, windowHistoryText } from '../windows-view';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { printJson } from '../output';
import { jsonOption } from '../flags';

export function registerStatuslineCommands(program: Command): void {
  const cmd = program
    .command('statusline')
    .description("print the status line for Claude Code (reads its status JSON on stdin); never fails")
    .action(() => {
      const out = runStatusline(readStdin(), {
        env: process.env,
        now: Date.now(),
        isTty: process.stdout.isTTY === true,
        loadFacts: () => (input, now) => withLedger((db) => gatherFacts(db, input, now), { write: true }),
      });
      process.stdout.write(out + '\n');
    });

  cmd
    .command('install')
    .description("set agent-warden's line as Claude Code's statusLine in ~/.claude/settings.json, keeping yours beside it")
    .addOption(jsonOption())
    .action((opts) => {
      try {
        // dist/cli.cjs -> the plugin root
        const r = install(process.env, dirname(__dirname));
        if (opts.json) return printJson(r);
        process.stderr.write(
          r.already
            ? `agent-warden: the status line is already installed in ${r.settings}\n`
            : `agent-warden: status line installed in ${r.settings} (launcher ${r.launcher})${r.kept_user_command ? `; your own status line still shows above it` : ''}. Undo with \`agent-warden statusline uninstall\`.\n`,
        );
      } catch (err) {
        if (err instanceof SettingsError) throw new UserError(err.message, 'fix the JSON of that file (Claude Code cannot read it either), then run `agent-warden statusline install` again');
        throw err;
      }
    });

  cmd
    .command('uninstall')
    .description('put ~/.claude/settings.json back as it was before install')
    .addOption(jsonOption())
    .action((opts) => {
      try {
        const r = uninstall(process.env);
        if (opts.json) return printJson(r);
        const what = {
          restored: `restored ${r.settings} byte for byte`,
          removed_entry: `${r.settings} changed since install, so only agent-warden's statusLine was taken out (yours is back)`,
          not_installed: 'the status line was not installed; nothing changed',
        }[r.outcome];
        process.stderr.write(`agent-warden: ${what}\n`);
      } catch (err) {
        if (err instanceof SettingsError) throw new UserError(err.message, 'fix the JSON of that file, then run `agent-warden statusline uninstall` again');
        throw err;
      }
    });

  const windows = program
    .command('windows')
    .description("Claude's 5-hour and weekly windows as its status line reported them: level, resets, history, time above window budgets")
    .option('--days <n>', 'history of the last n days', Number, 7)
    .addOption(jsonOption())
    .action((opts) => {
      const { config } = loadConfig(projectOf(undefined));
      const now = Date.now();
      const data = withLedger((db) => windowRows(db, config, now, opts.days));
      if (opts.json) return printJson(data);
      process.stdout.write(windowHistoryText(data, now) + '\n');
    });

  windows
    .command('lift')
    .description('let a session dispatch again although a window budget stands at its limit (logged)')
    .requiredOption('--session <id>', 'the session')
    .requiredOption('--window <w>', 'the window: 5h or 7d')
    .option('--note <text>', 'why, for the log')
    .action((opts) => {
      if (!['5h', '7d'].includes(opts.window)) throw new UserError(`unknown window "${opts.window}"`, 'use --window 5h or --window 7d');
      const { config } = loadConfig(projectOf(undefined));
      const payload = { session_id: opts.session, window: opts.window, note: opts.note ?? null };
      const seq = withLedger(
        (db) => record(db, { kind: 'window_lift', receivedAt: Date.now(), sessionId: opts.session, source: 'cli', payload }, { pricing: config.pricing })?.seq,
        { write: true },
      );
      process.stderr.write(`agent-warden: session ${opts.session} may dispatch again whatever the ${opts.window} window stands at (event ${seq})\n`);
    });
}

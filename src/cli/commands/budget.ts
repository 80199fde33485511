import type { Command } from 'commander';
import { withBudget, type BudgetInput } from '../../core/budget/config-edit';
import { budgetKey } from '../../core/budget/meter';
import { budgetStatus, capStatus, type BudgetStatusRow } from '../../core/budget/status';
import { duration } from '../../core/budget/window';
import { readConfigObject, writeConfigObject } from '../config-file';
import { loadConfig } from '../../runtime/config/load';
import { budgetScopes } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
import { record } from '../../ledger/project';
import { projectConfigPath, projectOf, userConfigPath } from '../../runtime/paths';
import { UserError } from '../errors';
import { windowBudgetRows, windowHistoryText, windowLimits, windowRows } from '../windows-view';
import { withLedger } from '../ledger-access';
import { fmtInt, fmtUsd, pc, printJson, table } from '../output';
import { jsonOption, projectDir, projectOption } from '../flags';

export function registerBudgetCommands(program: Command): void {
  const budget = program.command('budget').description('token and cost budgets: status, limits, one-off overrides');

  budget
    .command('status')
    .description('each budget and spawn cap: spend, limit, percent, time to reset (rolling windows: when the oldest spend ages out), forecast at the current burn rate')
    .option('--session <id>', 'session for session budgets (default: the latest in this project)')
    .addOption(jsonOption())
    .action((opts) => {
      const project = projectOf(undefined);
      const { config } = loadConfig(project);
      const now = Date.now();
      const [rows, caps, windows] = withLedger((db) => {
        const sessionId = opts.session ?? latestSession(db, project) ?? '';
        return [budgetStatus(db, config, { sessionId, project }, now), capStatus(db, config, sessionId), windowRows(db, config, now)] as const;
      });
      if (opts.json) return printJson([...rows, ...caps, ...windowBudgetRows(config, windows, now)]);
      if (caps.length) {
        const capTable = table(caps, [
          { header: 'spawn cap', value: (r) => r.budget.replace(/^spawn\./, '') },
          { header: 'this session', value: (r) => fmtInt(r.spent), align: 'right' },
          { header: 'cap', value: (r) => fmtInt(r.limit) + (r.raised ? ` (+${fmtInt(r.raised)})` : ''), align: 'right' },
          { header: '%', value: (r) => colourPercent(r.percent), align: 'right' },
        ]);
        process.stdout.write(capTable + '\n' + (rows.length ? '\n' : ''));
      }
      if (!rows.length && !caps.length && !windowLimits(config).size) return void process.stdout.write('No budgets configured. Add one with `agent-warden budget set --scope day --tokens 2000000`.\n');
      if (rows.length) process.stdout.write(statusTable(rows) + '\n');
      // Claude's own 5-hour and weekly windows (window budgets, and their history over the last 7 days).
      if (windowLimits(config).size || windows.history.length) process.stdout.write(`\n${pc.bold("Claude's windows")}\n${windowHistoryText(windows, now)}\n`);
      for (const r of rows.filter((r) => r.team)) {
        const t = r.team!;
        const text = t.fresh ? `counts this machine and ${t.other_machines} other machine(s), the team's spend as fetched ${t.fetched_at}` : `counts this machine's spend only: ${t.why}`;
        process.stdout.write(`${pc.yellow('note')} ${r.budget}: ${text}.\n`);
      }
      for (const r of rows.filter((r) => r.lower_bound)) {
        process.stdout.write(`${pc.yellow('note')} ${r.budget}: spend is a lower bound, ${fmtInt(r.unpriced_tokens)} tokens came from models without a price (add them under "pricing").\n`);
      }
      for (const r of rows.filter((r) => r.estimated_tokens > 0)) {
        process.stdout.write(`${pc.yellow('note')} ${r.budget}: ${fmtInt(r.estimated_tokens)} tokens are priced at an estimate (models without a known price; see \`agent-warden pricing\`).\n`);
      }
    });

  budget
    .command('set')
    .description("add or replace a budget in your config (or, with --project-config, in the project's .claude/agent-warden.json)")
    .requiredOption('--scope <scope>', `window: ${budgetScopes.join(', ')}`)
    .option('--tokens <n>', 'limit in billed tokens', Number)
    .option('--usd <n>', 'limit in USD', Number)
    .option('--agent <type>', "count and stop only this agent type's dispatches")
    .option('--this-project', "count only this project's spend (default: all projects)")
    .option('--warn-at <fraction>', 'tell the model past this fraction (default 0.8)', Number)
    .option('--on-exhausted <what>', 'what a spent budget stops: dispatches (default) or all_tools')
    .option('--model <family-or-glob>', 'count only spend on these models (e.g. opus, or a glob such as "*opus*")')
    .option('--action <action>', 'what an overrunning dispatch gets: deny (default), ask or downgrade')
    .option('--downgrade-to <model>', 'the model a downgraded dispatch runs on (default haiku)')
    .option('--id <name>', 'a name for the budget')
    .option('--project-config', "write the project's .claude/agent-warden.json instead of your config (the project: --project, else the current one)")
    .addOption(projectOption())
    .option('--remove', 'remove the matching budget instead')
    .action((opts) => {
      // `--project` names a project everywhere; before, here alone, it was the switch --project-config is now.
      if (opts.project !== undefined && !opts.projectConfig) {
        throw new UserError(`--project ${opts.project} names the project whose config --project-config writes; without --project-config the budget goes to your config`, "add --project-config to write the project's .claude/agent-warden.json");
      }
      const file = opts.projectConfig ? projectConfigPath(projectDir(opts.project)) : userConfigPath();
      const entry: Record<string, unknown> = {
        id: opts.id,
        scope: opts.scope,
        limit_tokens: opts.tokens,
        limit_usd: opts.usd,
        agent_type: opts.agent,
        project: opts.thisProject ? true : undefined,
        warn_at: opts.warnAt,
        on_exhausted: opts.onExhausted,
        model: opts.model,
        action: opts.action,
        downgrade_to: opts.downgradeTo,
      };
      for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
      const { next, replaced } = withBudget(readConfigObject(file), entry as BudgetInput, { remove: opts.remove });
      writeConfigObject(file, next);
      process.stderr.write(`agent-warden: ${opts.remove ? (replaced ? 'removed the budget from' : 'no such budget in') : replaced ? 'replaced the budget in' : 'added the budget to'} ${file}\n`);
    });

  budget
    .command('override')
    .description('a logged one-off raise of the limit, for one session (or every session with no --session), in the current window')
    .option('--session <id>', 'the session that may spend more')
    .option('--add <tokens>', 'tokens to add to the limit', Number)
    .option('--add-usd <usd>', 'USD to add to the limit', Number)
    .option('--budget <key>', 'only this budget (its id, or scope[:agent_type][:project]; default: every budget)')
    .option('--note <text>', 'why, for the log')
    .addOption(jsonOption())
    .action((opts) => {
      const addTokens = opts.add ?? 0;
      const addUsd = opts.addUsd ?? 0;
      if (!(addTokens > 0 || addUsd > 0) || addTokens < 0 || addUsd < 0 || Number.isNaN(addTokens) || Number.isNaN(addUsd)) {
        throw new UserError('an override needs a positive --add (tokens) or --add-usd', 'e.g. `agent-warden budget override --session <id> --add 50000`');
      }
      const { config } = loadConfig(projectOf(undefined));
      const keys = config.budgets.map(budgetKey);
      // Only a note: the budget may live in another project's config (the command can be run from anywhere).
      if (opts.budget && !keys.includes(opts.budget)) {
        process.stderr.write(`agent-warden: note: no budget "${opts.budget}" in the config seen from here (${keys.length ? `these are: ${[...new Set(keys)].join(', ')}` : 'none'}); the override is recorded for "${opts.budget}" anyway.\n`);
      }
      const payload = { session_id: opts.session ?? null, budget_id: opts.budget ?? null, add_tokens: addTokens, add_usd: addUsd, note: opts.note ?? null };
      const seq = withLedger(
        (db) => record(db, { kind: 'budget_override', receivedAt: Date.now(), sessionId: opts.session, source: 'cli', payload }, { pricing: config.pricing })?.seq,
        { write: true },
      );
      if (opts.json) return printJson({ seq, ...payload });
      process.stderr.write(`agent-warden: override recorded (event ${seq})\n`);
    });
}

function latestSession(db: Ledger, project: string): string | undefined {
  const row = (db.prepare('SELECT session_id FROM sessions WHERE project = ? ORDER BY last_event_at DESC LIMIT 1').get(project) ??
    db.prepare('SELECT session_id FROM sessions ORDER BY last_event_at DESC LIMIT 1').get()) as { session_id: string } | undefined;
  return row?.session_id;
}

function statusTable(rows: BudgetStatusRow[]): string {
  const fmt = (r: BudgetStatusRow, n: number) => (r.unit === 'tokens' ? fmtInt(n) : `${r.estimated_tokens > 0 ? '~' : ''}${fmtUsd(n)}${r.lower_bound ? ' at least' : ''}`);
  // A session budget has no reset to forecast at: its forecast is the burn rate.
  const forecast = (r: BudgetStatusRow) => (r.forecast_at_reset === null ? `${fmt(r, r.burn_per_hour)}/h` : fmt(r, r.forecast_at_reset));
  return table(rows, [
    { header: 'budget', value: (r) => r.budget },
    { header: 'spent', value: (r) => fmt(r, r.spent + r.reserved), align: 'right' },
    { header: 'limit', value: (r) => fmt(r, r.limit), align: 'right' },
    { header: '%', value: (r) => colourPercent(r.percent), align: 'right' },
    { header: 'resets in', value: (r) => (r.scope === 'dispatch' ? 'per dispatch' : r.resets_in_ms === null ? 'session end' : (ROLLING.has(r.scope) ? 'frees in ' : '') + duration(r.resets_in_ms)), align: 'right' },
    { header: 'forecast', value: forecast, align: 'right' },
    { header: 'limit reached', value: (r) => (r.exhausted_at ? r.exhausted_at.replace('T', ' ').slice(0, 16) : '') },
  ]);
}

const ROLLING = new Set(['5h', '7d']);
const colourPercent = (p: number) => (p >= 100 ? pc.red(`${p}%`) : p >= 80 ? pc.yellow(`${p}%`) : `${p}%`);

import type { Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { withBudget, type BudgetInput } from '../../budget/config-edit';
import { budgetStatus, type BudgetStatusRow } from '../../budget/status';
import { duration } from '../../budget/window';
import { formatProblem, loadConfig, problemsIn } from '../../config/load';
import { budgetScopes } from '../../config/schema';
import type { Ledger } from '../../ledger/db';
import { appendEvent } from '../../ledger/events';
import { project as projectEvent } from '../../ledger/project';
import { projectConfigPath, projectOf, userConfigPath } from '../../runtime/paths';
import { UserError } from '../errors';
import { windowBudgetRows, windowHistoryText, windowLimits, windowRows } from '../windows-view';
import { withLedger } from '../ledger-access';
import { fmtInt, pc, printJson, table } from '../output';

export function registerBudgetCommands(program: Command): void {
  const budget = program.command('budget').description('token and cost budgets: status, limits, one-off overrides');

  budget
    .command('status')
    .description('each budget: spend, limit, percent, time to reset, forecast at the current burn rate')
    .option('--session <id>', 'session for session budgets (default: the latest in this project)')
    .option('--json', 'print a JSON array')
    .action((opts) => {
      const project = projectOf(undefined);
      const { config, problems } = loadConfig(project);
      for (const p of problems) process.stderr.write(`agent-warden: config: ${formatProblem(p)}\n`);
      const now = Date.now();
      const [rows, windows] = withLedger((db) => [budgetStatus(db, config, { sessionId: opts.session ?? latestSession(db, project) ?? '', project }, now), windowRows(db, config, now)] as const);
      if (opts.json) return printJson([...rows, ...windowBudgetRows(config, windows, now)]);
      if (!rows.length && !windowLimits(config).size) return void process.stdout.write('No budgets configured. Add one with `agent-warden budget set --scope day --tokens 2000000`.\n');
      if (rows.length) process.stdout.write(statusTable(rows) + '\n');
      // Claude's own 5-hour and weekly windows (window budgets, and their history over the last 7 days).
      if (windowLimits(config).size || windows.history.length) process.stdout.write(`\n${pc.bold("Claude's windows")}\n${windowHistoryText(windows, now)}\n`);
      for (const r of rows.filter((r) => r.lower_bound)) {
        process.stdout.write(`${pc.yellow('note')} ${r.budget}: spend is a lower bound, ${fmtInt(r.unpriced_tokens)} tokens came from models without a price (add them under "pricing").\n`);
      }
    });

  budget
    .command('set')
    .description('add or replace a budget in the user config (or the project config with --project)')
    .requiredOption('--scope <scope>', `window: ${budgetScopes.join(', ')}`)
    .option('--tokens <n>', 'limit in billed tokens', Number)
    .option('--usd <n>', 'limit in USD', Number)
    .option('--agent <type>', "count and stop only this agent type's dispatches")
    .option('--this-project', "count only this project's spend (default: all projects)")
    .option('--warn-at <fraction>', 'tell the model past this fraction (default 0.8)', Number)
    .option('--on-exhausted <what>', 'what a spent budget stops: dispatches (default) or all_tools')
    .option('--id <name>', 'a name for the budget')
    .option('--project', 'write .claude/agent-warden.json in this project instead of the user config')
    .option('--remove', 'remove the matching budget instead')
    .action((opts) => {
      const file = opts.project ? projectConfigPath(projectOf(undefined)) : userConfigPath();
      const entry: Record<string, unknown> = {
        id: opts.id,
        scope: opts.scope,
        limit_tokens: opts.tokens,
        limit_usd: opts.usd,
        agent_type: opts.agent,
        project: opts.thisProject ? true : undefined,
        warn_at: opts.warnAt,
        on_exhausted: opts.onExhausted,
      };
      for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
      const { next, replaced } = withBudget(readConfigFile(file), entry as BudgetInput, { remove: opts.remove });
      const problems = problemsIn(file, next);
      if (problems.length) throw new UserError(`the budget is not valid, ${file} is unchanged:\n  ${problems.map(formatProblem).join('\n  ')}`, 'fix the options named above');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(next, null, 2) + '\n');
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
    .option('--json', 'print the recorded override')
    .action((opts) => {
      const addTokens = opts.add ?? 0;
      const addUsd = opts.addUsd ?? 0;
      if (!(addTokens > 0 || addUsd > 0) || addTokens < 0 || addUsd < 0 || Number.isNaN(addTokens) || Number.isNaN(addUsd)) {
        throw new UserError('an override needs a positive --add (tokens) or --add-usd', 'e.g. `agent-warden budget override --session <id> --add 50000`');
      }
      const { config } = loadConfig(projectOf(undefined));
      const payload = { session_id: opts.session ?? null, budget_id: opts.budget ?? null, add_tokens: addTokens, add_usd: addUsd, note: opts.note ?? null };
      const seq = withLedger(
        (db) =>
          db.transaction(() => {
            const ev = appendEvent(db, { kind: 'budget_override', receivedAt: Date.now(), sessionId: opts.session, source: 'cli', payload });
            if (ev) projectEvent(db, ev, { pricing: config.pricing });
            return ev?.seq;
          })(),
        { write: true },
      );
      if (opts.json) return printJson({ seq, ...payload });
      process.stderr.write(`agent-warden: override recorded (event ${seq})\n`);
    });
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const raw = JSON.parse(text);
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw;
  } catch {
    // reported below
  }
  throw new UserError(`${file} is not a JSON object, so it was left unchanged`, 'fix its JSON syntax (or remove the file) and run the command again');
}

function latestSession(db: Ledger, project: string): string | undefined {
  const row = (db.prepare('SELECT session_id FROM sessions WHERE project = ? ORDER BY last_event_at DESC LIMIT 1').get(project) ??
    db.prepare('SELECT session_id FROM sessions ORDER BY last_event_at DESC LIMIT 1').get()) as { session_id: string } | undefined;
  return row?.session_id;
}

function statusTable(rows: BudgetStatusRow[]): string {
  const fmt = (r: BudgetStatusRow, n: number | null) => (n === null ? '' : r.unit === 'tokens' ? fmtInt(n) : `$${n.toFixed(2)}${r.lower_bound ? '+' : ''}`);
  return table(rows, [
    { header: 'budget', value: (r) => r.budget },
    { header: 'spent', value: (r) => fmt(r, r.spent + r.reserved), align: 'right' },
    { header: 'limit', value: (r) => fmt(r, r.limit), align: 'right' },
    { header: '%', value: (r) => colourPercent(r.percent), align: 'right' },
    { header: 'resets in', value: (r) => (r.resets_in_ms === null ? 'session end' : duration(r.resets_in_ms)), align: 'right' },
    { header: 'forecast', value: (r) => fmt(r, r.forecast_at_reset), align: 'right' },
    { header: 'limit reached', value: (r) => (r.exhausted_at ? r.exhausted_at.replace('T', ' ').slice(0, 16) : '') },
  ]);
}

const colourPercent = (p: number) => (p >= 100 ? pc.red(`${p}%`) : p >= 80 ? pc.yellow(`${p}%`) : `${p}%`);

// The agent-warden CLI: commands only orchestrate; the logic lives in its modules.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerBreakerCommands } from './commands/breaker';
import { registerBudgetCommands } from './commands/budget';
import { registerConfigCommand } from './commands/config';
import { registerCoreCommands } from './commands/core';
import { registerDashboardCommand } from './commands/dashboard';
import { registerDispatchCommands } from './commands/dispatches';
import { registerDoctorCommand } from './commands/doctor';
import { registerEventCommands } from './commands/events';
import { registerFailureCommands } from './commands/failures';
import { registerFindCommand } from './commands/find';
import { registerImportCommand } from './commands/import';
import { registerLedgerCommands } from './commands/ledger';
import { registerMetricsCommand } from './commands/metrics';
import { registerOptimizeCommand } from './commands/optimize';
import { registerOtelCommands } from './commands/otel';
import { registerPricingCommand } from './commands/pricing';
import { registerReportCommand } from './commands/report';
import { registerSessionReportCommand } from './commands/session-report';
import { registerSessionCommands } from './commands/sessions';
import { registerSpawnCommands } from './commands/spawn';
import { registerTrustCommand } from './commands/trust';
import { registerTeamCommands } from './commands/team';
import { registerStatuslineCommands } from './commands/statusline';
import { reportError } from './errors';
import { loadConfig } from '../runtime/config/load';
import { warnAboutConfig } from './config-warnings';
import { projectOf } from '../runtime/paths';
import { openLedger } from '../ledger/db';

declare const __WARDEN_VERSION__: string;

export function buildProgram(): Command {
  const program = new Command('agent-warden')
    .description('Ledger, budgets, circuit breakers and core-set curation for Claude Code subagents.')
    .version(typeof __WARDEN_VERSION__ === 'string' ? __WARDEN_VERSION__ : 'dev')
    .showHelpAfterError('(run with --help for usage)');
  // Settings agent-warden ignores are worth a line on stderr whatever the command (doctor and config list them themselves).
  program.hook('preAction', (_root, action) => {
    if (action.name() !== 'doctor' && action.name() !== 'config') warnAboutConfig(projectOf(undefined));
  });
  registerSessionCommands(program);
  registerEventCommands(program);
  registerDispatchCommands(program);
  registerLedgerCommands(program);
  registerDoctorCommand(program);
  registerConfigCommand(program);
  registerBudgetCommands(program);
  registerSpawnCommands(program);
  registerBreakerCommands(program);
  registerReportCommand(program);
  registerFailureCommands(program);
  registerSessionReportCommand(program);
  registerOptimizeCommand(program);
  registerFindCommand(program);
  registerImportCommand(program);
  registerDashboardCommand(program);
  registerPricingCommand(program);
  registerTrustCommand(program);
  registerStatuslineCommands(program);
  registerMetricsCommand(program);
  registerTeamCommands(program);
  registerOtelCommands(program);
  registerCoreCommands(program, { openLedger: () => openLedger(), loadConfig: (project) => loadConfig(project).config });
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(argvWithStdinArgs(process.argv));
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/**
 * `--args-stdin`: the rest of the arguments come as words on stdin. Slash commands pass the user's
 * $ARGUMENTS this way, in a quoted heredoc, so no shell ever expands them (`$(…)`, quotes, `;`).
 */
export function argvWithStdinArgs(argv: string[]): string[] {
  const at = argv.indexOf('--args-stdin');
  if (at < 0) return argv;
  let text = '';
  try {
    text = readFileSync(0, 'utf8').slice(0, 64 * 1024);
  } catch {
    // no stdin: no extra arguments
  }
  return [...argv.slice(0, at), ...text.split(/\s+/).filter(Boolean), ...argv.slice(at + 1)];
}

if (require.main === module) void main();

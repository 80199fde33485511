// The agent-warden CLI: commands only orchestrate; the logic lives in its modules.
import { Command } from 'commander';
import { registerBreakerCommands } from './commands/breaker';
import { registerBudgetCommands } from './commands/budget';
import { registerCoreCommands } from './commands/core';
import { registerDispatchCommands } from './commands/dispatches';
import { registerDoctorCommand } from './commands/doctor';
import { registerEventCommands } from './commands/events';
import { registerFailureCommands } from './commands/failures';
import { registerFindCommand } from './commands/find';
import { registerLedgerCommands } from './commands/ledger';
import { registerOptimizeCommand } from './commands/optimize';
import { registerReportCommand } from './commands/report';
import { registerSessionReportCommand } from './commands/session-report';
import { registerSessionCommands } from './commands/sessions';
import { registerStatuslineCommands } from './commands/statusline';
import { reportError } from './errors';
import { loadConfig } from '../config/load';
import { openLedger } from '../ledger/db';

declare const __WARDEN_VERSION__: string;

export function buildProgram(): Command {
  const program = new Command('agent-warden')
    .description('Ledger, budgets, circuit breakers and core-set curation for Claude Code subagents.')
    .version(typeof __WARDEN_VERSION__ === 'string' ? __WARDEN_VERSION__ : 'dev')
    .showHelpAfterError('(run with --help for usage)');
  registerSessionCommands(program);
  registerEventCommands(program);
  registerDispatchCommands(program);
  registerLedgerCommands(program);
  registerDoctorCommand(program);
  registerBudgetCommands(program);
  registerBreakerCommands(program);
  registerReportCommand(program);
  registerFailureCommands(program);
  registerSessionReportCommand(program);
  registerOptimizeCommand(program);
  registerFindCommand(program);
  registerStatuslineCommands(program);
  registerCoreCommands(program, { openLedger: () => openLedger(), loadConfig: (project) => loadConfig(project).config });
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

if (require.main === module) void main();

// `agent-warden config`: the settings in force for a project and where they come from (your file,
// the project's, AGENT_WARDEN_* variables), with every setting ignored and why.
import type { Command } from 'commander';
import { formatNotice, formatProblem, loadConfig } from '../../runtime/config/load';
import { jsonOption, projectDir, projectOption } from '../flags';
import { printJson } from '../output';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('the settings in force (defaults, your config, the project config, then AGENT_WARDEN_* variables) and any ignored')
    .addOption(projectOption())
    .addOption(jsonOption())
    .action((opts) => {
      const loaded = loadConfig(projectDir(opts.project));
      const { $schema: _editorHint, ...settings } = loaded.config as typeof loaded.config & { $schema?: string };
      for (const p of loaded.problems) process.stderr.write(`agent-warden: config: ${formatProblem(p)}\n`);
      for (const n of loaded.notices) process.stderr.write(`agent-warden: config: ${formatNotice(n)}\n`);
      if (opts.json) return printJson({ settings, files: loaded.files, variables: loaded.variables, problems: loaded.problems, notices: loaded.notices });
      const sources = [...loaded.files, ...loaded.variables.map((v) => `$${v}`)];
      process.stdout.write(`# from: ${sources.length ? sources.join(', ') : 'defaults (no config file, no AGENT_WARDEN_* setting)'}\n${JSON.stringify(settings, null, 2)}\n`);
    });
}

import type { Command } from 'commander';
import { readConfigObject, writeConfigObject } from '../config-file';
import { canonicalDir } from '../../runtime/config/trust';
import { userConfigPath } from '../../runtime/paths';
import { printJson } from '../output';
import { jsonOption, projectDir, projectOption } from '../flags';

export function registerTrustCommand(program: Command): void {
  program
    .command('trust')
    .description("let a project's .claude/agent-warden.json loosen your settings (untrusted, it may only tighten them)")
    .addOption(projectOption())
    .option('--revoke', 'stop trusting it')
    .option('--list', 'list the trusted projects')
    .addOption(jsonOption())
    .action((opts) => {
      const file = userConfigPath();
      const raw = readConfigObject(file);
      const trusted = Array.isArray(raw.trusted_projects) ? (raw.trusted_projects as unknown[]).filter((t): t is string => typeof t === 'string') : [];
      if (opts.list) {
        if (opts.json) return printJson(trusted);
        return void process.stdout.write(trusted.length ? trusted.join('\n') + '\n' : 'No trusted projects: every project config may only tighten yours.\n');
      }
      const dir = canonicalDir(projectDir(opts.project));
      const kept = trusted.filter((t) => canonicalDir(t) !== dir);
      const next = opts.revoke ? kept : [...kept, dir];
      const changed = kept.length !== trusted.length;
      const updated: Record<string, unknown> = { ...raw, trusted_projects: next };
      if (!next.length) delete updated.trusted_projects;
      writeConfigObject(file, updated);
      if (opts.json) return printJson({ project: dir, trusted: !opts.revoke, config: file });
      process.stderr.write(
        opts.revoke
          ? `agent-warden: ${dir} is ${changed ? 'no longer' : 'not'} trusted; its config may only tighten yours (${file})\n`
          : `agent-warden: ${dir} is trusted; its .claude/agent-warden.json may now loosen your settings (${file}). Undo with \`agent-warden trust --revoke --project ${dir}\`\n`,
      );
    });
}

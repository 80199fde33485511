// Every command says, on stderr, which settings it is ignoring: a typo must not pass for a guard.
import { formatNotice, formatProblem, loadConfig } from '../runtime/config/load';

export function warnAboutConfig(project: string): void {
  let loaded;
  try {
    loaded = loadConfig(project);
  } catch {
    return; // the command itself reports what it cannot read
  }
  for (const p of loaded.problems) process.stderr.write(`agent-warden: config: ${formatProblem(p)}\n`);
  for (const n of loaded.notices) process.stderr.write(`agent-warden: config: ${formatNotice(n)}\n`);
}

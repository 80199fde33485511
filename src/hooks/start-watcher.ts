// With `core.auto` on, each session start makes sure a curator watcher runs for the project.
// The watcher holds a per-project lock (a second one exits at once) and stops when idle, so
// starting one per session is safe; the hook only pays for one detached spawn (and loads
// node:child_process only then).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema';
import { errorText, trace } from '../runtime/log';

export function startCuratorWatcher(config: Config, project: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!config.core.auto) return;
  const cli = join(__dirname, 'cli.cjs');
  if (!existsSync(cli)) return; // running from source: nothing built to start
  try {
    (require('node:child_process') as typeof import('node:child_process')).spawn(process.execPath, [cli, 'core', 'watch', '--project', project], { detached: true, stdio: 'ignore', env, cwd: project }).unref();
  } catch (err) {
    trace(`could not start the curator watcher (${errorText(err)})`);
  }
}

// Work a hook hands to a detached CLI process so that nobody waits for it. Each costs the hook one
// spawn (and loads node:child_process only then).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema';
import type { Ledger } from '../ledger/db';
import { errorText, trace } from '../runtime/log';
import { pendingExactCounts } from '../core/prompt-token-backfill';

function runCliDetached(args: string[], env: NodeJS.ProcessEnv, cwd: string): void {
  const cli = join(__dirname, 'cli.cjs');
  if (!existsSync(cli)) return; // running from source: nothing built to start
  try {
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    spawn(process.execPath, [cli, ...args], { detached: true, stdio: 'ignore', env, cwd: existsSync(cwd) ? cwd : undefined }).unref();
  } catch (err) {
    trace(`could not start \`agent-warden ${args.join(' ')}\` (${errorText(err)})`);
  }
}

/**
 * With `core.auto` on, each session start makes sure a curator watcher runs for the project. The
 * watcher holds a per-project lock (a second one exits at once) and stops when idle.
 */
export function startCuratorWatcher(config: Config, project: string, env: NodeJS.ProcessEnv = process.env): void {
  if (config.core.auto) runCliDetached(['core', 'watch', '--project', project], env, project);
}

/** At session end, exact prompt counts for the session's dispatches (the encoder takes ~300 ms to build). */
export function countPromptTokensLater(db: Ledger, sessionId: string, project: string, env: NodeJS.ProcessEnv = process.env): void {
  if (pendingExactCounts(db, sessionId) > 0) runCliDetached(['ledger', 'count-tokens', '--session', sessionId], env, project);
}

// Work a hook hands to a detached CLI process so that nobody waits for it. Each costs the hook one
// spawn (and loads node:child_process only then).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../runtime/config/schema';
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

/**
 * Team budgets: at session end, push what the session billed last (its final turns are recorded
 * after the resident server's last sync) in a detached `team sync`; a failure stays in the outbox.
 */
export function pushTeamUsageLater(config: Config, project: string, env: NodeJS.ProcessEnv = process.env): void {
  if (config.team) runCliDetached(['team', 'sync'], env, project);
}

/**
 * At session end, when `telemetry.otlp` is configured, the OpenTelemetry spans not sent yet: this
 * session's, and any an earlier export could not deliver. In a detached process, so no hook waits
 * for the collector and none loads the OpenTelemetry SDK.
 */
export function exportTelemetryLater(config: Config, project: string, env: NodeJS.ProcessEnv = process.env): void {
  if (config.telemetry?.otlp && config.telemetry.otlp.auto !== false) runCliDetached(['otel', 'export'], env, project);
}

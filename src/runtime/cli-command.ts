// The agent-warden command as it can be run where a hook's message is read: a marketplace install
// puts no `agent-warden` on PATH, so messages name this copy's own CLI (`node <plugin>/dist/cli.cjs`)
// and, when AGENT_WARDEN_HOME is set, that home, so the command reaches the same ledger.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote } from './shell-quote';

let cached: string | undefined;

function cliInvocation(): string {
  if (cached) return cached;
  // Bundled, every entry point (hook, server, cli) sits in dist/ beside cli.cjs.
  const beside = join(__dirname, 'cli.cjs');
  cached = existsSync(beside) ? `node ${shellQuote(beside)}` : 'agent-warden';
  return cached;
}

/** `[AGENT_WARDEN_HOME=… ]node …/dist/cli.cjs <args>`, each argument shell-quoted. */
export function wardenCommand(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const home = env.AGENT_WARDEN_HOME ? `AGENT_WARDEN_HOME=${shellQuote(env.AGENT_WARDEN_HOME)} ` : '';
  return `${home}${cliInvocation()} ${args.map(shellQuote).join(' ')}`;
}

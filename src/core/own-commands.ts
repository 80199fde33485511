// Agent-warden's own commands are never refused by its budgets, caps or breakers: a denial names a
// command that lifts it, and that command must be able to run (a competitor's cap blocked its own
// override). The test is conservative: a Bash command is exempt only when it is one simple
// command (no `;`, `&&`, `|`, `$(`, backticks, redirections, newlines) that runs the CLI, so
// `agent-warden status; rm -rf ~` is judged like any other call.
import type { PreToolCall, PreToolPolicy } from './policy/interface';

const OWN_MCP = /^mcp__plugin_agent-warden_[^_]+__/;
// Anything that could chain, substitute, redirect or background a second command.
const SHELL_META = /[;&|<>`$(){}\n\r\\]/;
const ENV_ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=[^\s'"]*$/;

export function isOwnCommand(call: Pick<PreToolCall, 'toolName' | 'toolInput'>): boolean {
  const input = call.toolInput ?? {};
  if (OWN_MCP.test(call.toolName)) return true;
  if (call.toolName === 'Bash') return typeof input.command === 'string' && isOwnShellCommand(input.command);
  if (call.toolName === 'Skill' || call.toolName === 'SlashCommand') {
    const name = typeof input.skill === 'string' ? input.skill : typeof input.command === 'string' ? input.command : '';
    return /^\/?agent-warden:[\w-]+(\s|$)/.test(name) && !SHELL_META.test(name);
  }
  return false;
}

export function isOwnShellCommand(command: string): boolean {
  if (command.length > 4096 || SHELL_META.test(command)) return false;
  const words = command.trim().split(/\s+/);
  while (words.length && ENV_ASSIGN.test(words[0]!)) words.shift(); // AGENT_WARDEN_HOME=… agent-warden …
  const [first, second] = words;
  if (!first) return false;
  if (unquote(first) === 'agent-warden' || /^(?:[\w.~-]*\/)+agent-warden$/.test(unquote(first))) return true;
  return /^(?:[\w.~-]*\/)*node$/.test(first) && second !== undefined && /^(?:[\w.~@+-]*\/)*dist\/cli\.cjs$/.test(unquote(second));
}

const unquote = (w: string) => w.replace(/^(['"])(.*)\1$/, '$2');

// Four policies ask about the same call object: the answer is worked out once per call.
const judged = new WeakMap<object, boolean>();
function isOwnCall(call: PreToolCall): boolean {
  let own = judged.get(call);
  if (own === undefined) judged.set(call, (own = isOwnCommand(call)));
  return own;
}

/** Wraps a policy so that agent-warden's own commands pass it untouched. */
export const exemptOwnCommands =
  (policy: PreToolPolicy): PreToolPolicy =>
  (ctx, call) =>
    isOwnCall(call) ? undefined : policy(ctx, call);

// What the model reads when a breaker acts. Each message says what happened, the evidence (the
// count and the last error, quoted), and what to do: change approach, when a retry is allowed,
// and the command that clears it.
import type { CircuitChange } from '../policy/interface';
import { reopensAt } from './circuit';
import { wardenCommand } from '../../runtime/cli-command';

const reset = (c: CircuitChange) => `\`${wardenCommand(['breaker', 'reset', c.key])}\``;

const quote = (error: string | undefined) => (error ? `"${error.replace(/\s+/g, ' ').trim().slice(0, 300)}"` : '(no error text recorded)');

function when(at: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((at - now) / 60_000));
  return `in ${minutes} min (${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}

export function callDenial(c: CircuitChange, now: number): string {
  return (
    `agent-warden: circuit breaker open for ${c.label ?? 'this call'}. This exact call failed ${c.failures} times in a row ` +
    `with no other successful tool call in between; last error: ${quote(c.last_error)}. Retrying it unchanged will fail the same way: ` +
    `change approach — find and fix the cause first (read the error, inspect the code or environment), or try a different command; ` +
    `once another tool call succeeds this call may run again. One trial retry is allowed ${when(reopensAt(c), now)}. ` +
    `A user can clear it now with ${reset(c)}.`
  );
}

export function agentDenial(c: CircuitChange, now: number): string {
  return (
    `agent-warden: circuit breaker open for subagent type "${c.label}": its last ${c.failures} dispatches in this session failed; ` +
    `last error: ${quote(c.last_error)}. Do the work another way (another agent type, or directly) instead of dispatching it again. ` +
    `One trial dispatch is allowed ${when(reopensAt(c), now)}. A user can clear it now with ${reset(c)}.`
  );
}

export function trialRunning(c: CircuitChange): string {
  return (
    `agent-warden: circuit breaker half-open for ${c.kind === 'agent' ? `subagent type "${c.label}"` : (c.label ?? 'this call')}: ` +
    `its one trial is still running; wait for its result before trying again. ` +
    `A user can clear it with ${reset(c)}.`
  );
}

export function errorRateWarning(failures: number, minutes: number): string {
  return (
    `agent-warden: ${failures} tool calls failed in this session in the last ${minutes} minutes. ` +
    `Stop retrying variations: re-read the errors, check your assumptions, and change approach (or ask the user) before the next attempt.`
  );
}

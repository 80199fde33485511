// What the model (and the user reading along) is told: which budget, how much is used of what
// limit, when it resets, and how to raise or override it. Denials start `agent-warden:`.
import { amount, inUnit, isSpent, used, type BudgetState, type Meter } from './meter';
import type { Prediction } from './predict';
import { duration, localTime } from './window';
import { wardenCommand } from '../../runtime/cli-command';
import { projectConfigPath, userConfigPath } from '../../runtime/paths';

const pct = (m: Meter) => `${Math.floor((used(m) / m.limit) * 100)}%`;

function usage(m: Meter): string {
  const held = m.reserved > 0 ? ` (${amount(m.unit, m.reserved)} of it reserved by running dispatches)` : '';
  const raised = m.raised > 0 ? ` including an override of ${amount(m.unit, m.raised)}` : '';
  const lower = m.unit === 'usd' && m.unpricedTokens > 0 ? ` at least (${m.unpricedTokens.toLocaleString('en-US')} tokens of unpriced models)` : '';
  const est = m.unit === 'usd' && m.estimatedTokens ? `; it includes an estimate for ${m.estimatedTokens.toLocaleString('en-US')} tokens of models without a known price` : '';
  return `${amount(m.unit, used(m))}${lower} of ${amount(m.unit, m.limit)}${raised} used (${pct(m)}${est})${held}`;
}

export function resetText(s: BudgetState, now: number): string {
  if (s.budget.scope === 'dispatch') return 'it counts each dispatch on its own';
  if (s.window.end === undefined) return 'it ends with this session';
  if (s.window.rolling) return `it is a rolling ${s.budget.scope} window: the oldest spend in it ages out ${localTime(s.window.end, s.timeZone)} (in ${duration(s.window.end - now)})`;
  return `it resets ${localTime(s.window.end, s.timeZone)} (in ${duration(s.window.end - now)})`;
}

/**
 * Enough to let the call that was denied through (and as much again as the limit, so the session is
 * not stopped again at once), rounded up: 1,000 tokens, or cents under $1, else whole dollars.
 */
export function overrideAmount(m: Meter, predicted: number): number {
  const needed = Math.max(0, used(m) + predicted - m.limit) + (m.limit - m.raised);
  if (m.unit === 'tokens') return Math.ceil(needed / 1000) * 1000;
  return needed < 1 ? Math.ceil(needed * 100) / 100 : Math.ceil(needed);
}

/** The command that lifts this denial for this session, with its values filled in. */
export function overrideCommand(s: BudgetState, m: Meter, sessionId: string, predicted = 0): string {
  const add = overrideAmount(m, predicted);
  return wardenCommand(['budget', 'override', '--session', sessionId, '--budget', s.key, m.unit === 'tokens' ? '--add' : '--add-usd', String(add)]);
}

function howToGoOn(s: BudgetState, m: Meter, o: { sessionId: string; project?: string; predicted?: number }): string {
  const add = amount(m.unit, overrideAmount(m, o.predicted ?? 0));
  const files = [userConfigPath(), ...(o.project ? [projectConfigPath(o.project)] : [])].join(' or ');
  return (
    `To go on, the user can allow this session ${add} more on this budget by running \`${overrideCommand(s, m, o.sessionId, o.predicted)}\`, ` +
    `or raise its limit for good in "budgets" of ${files}. Every budget must allow a call: raising or adding another budget does not lift this one.`
  );
}

export function spentReason(s: BudgetState, m: Meter, o: { sessionId: string; project?: string; now: number; what: string; predictedTokens?: number }): string {
  return `agent-warden: the ${s.label} is spent: ${usage(m)}; ${resetText(s, o.now)}. ${o.what} denied; do not retry it: finish without it or tell the user. ${howToGoOn(s, m, { ...o, predicted: inUnit(m, o.predictedTokens ?? 0) })}`;
}

export function predictedReason(s: BudgetState, m: Meter, p: Prediction, o: { sessionId: string; project?: string; now: number; agentType: string }): string {
  const basis = p.basis ? `the median of its last ${p.basis} completed dispatch${p.basis === 1 ? '' : 'es'}` : 'budget.default_dispatch_tokens';
  return (
    `agent-warden: this ${o.agentType} dispatch is predicted to bill about ${amount('tokens', p.tokens)} (${basis}), which would overrun the ${s.label}: ` +
    `${usage(m)}; ${resetText(s, o.now)}. Dispatch denied; do the work without a subagent or tell the user. ${howToGoOn(s, m, { ...o, predicted: inUnit(m, p.tokens) })}`
  );
}

export function warningText(s: BudgetState, m: Meter, now: number): string {
  const next = s.budget.on_exhausted === 'all_tools' ? 'every tool call' : 'new subagent dispatches';
  const state = isSpent(m) ? `is spent; ${next} will be denied` : `is at ${pct(m)}; once it is spent, ${next} will be denied`;
  return `agent-warden: the ${s.label} ${state} (${usage(m)}; ${resetText(s, now)}). Prefer doing small tasks directly over dispatching subagents.`;
}

/** Told to a running subagent whose own dispatch budget is spent: stop calling tools and report. */
export function dispatchSpentReason(s: BudgetState, m: Meter, o: { sessionId: string; toolName: string }): string {
  return (
    `agent-warden: this subagent has spent its ${s.label}: ${usage(m)}. This ${o.toolName} call is denied and so will be every further tool call: ` +
    `stop now and reply with your final report of what you have done and found so far (say what is left undone). ${howToGoOn(s, m, { sessionId: o.sessionId })}`
  );
}

/** The `ask` action: what the user is asked to approve. */
export function askReason(s: BudgetState, m: Meter, p: { tokens: number; usd?: number } | undefined, o: { now: number; agentType: string }): string {
  const cost = p ? `about ${amount('tokens', p.tokens)}${p.usd !== undefined ? ` (~${amount('usd', p.usd)})` : ''}` : 'an unknown amount';
  const state = isSpent(m) ? 'is spent' : 'would be overrun';
  return `agent-warden: this ${o.agentType} dispatch is predicted to bill ${cost}; the ${s.label} ${state}: ${usage(m)}; ${resetText(s, o.now)}. Allow it anyway?`;
}

/** The `downgrade` action: told to the model, which sees the dispatch run on a cheaper model. */
export function downgradeText(s: BudgetState, m: Meter, p: { tokens: number } | undefined, o: { now: number; agentType: string; model: string }): string {
  const cost = p ? `predicted to bill about ${amount('tokens', p.tokens)}, which` : 'one that';
  return `agent-warden: this ${o.agentType} dispatch, ${cost} would overrun the ${s.label} (${usage(m)}; ${resetText(s, o.now)}), runs on the cheaper model "${o.model}" instead.`;
}

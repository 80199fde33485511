// The budget policy at PreToolUse. It runs inside the hook's write transaction, so the check and
// the reservation it returns (recorded by the core as the decision event) are one step: parallel
// dispatches see each other's reservations and cannot all slip under the limit together.
// A `dispatch` budget is checked at the running subagent's own tool calls (its live spend); the
// other scopes at dispatches (and every call under on_exhausted "all_tools"). A dispatch that
// would overrun gets the budget's action: deny, ask the user, or run on a cheaper model.
import { isMetered, type Budget } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
import type { Notice, PolicyContext, PreToolCall, PreToolPolicy, Verdict } from '../policy/interface';
import { evaluateBudget, inUnit, isSpent, used, type BudgetState, type Meter } from './meter';
import { askReason, dispatchSpentReason, downgradeText, predictedReason, spentReason, teamUnavailableReason, teamUnavailableText, warningText } from './messages';
import { predictDispatch, type Prediction } from './predict';

interface Overrun {
  state: BudgetState;
  meter: Meter;
  /** The deny text (spent, or predicted to overrun). */
  reason: string;
}

export const budgetPolicy: PreToolPolicy = (ctx, call) => {
  // Window budgets (limit_percent alone) meter nothing here: src/core/windows/policy.ts decides them.
  const budgets = ctx.config.budgets.filter(isMetered);
  if (!budgets.length) return undefined;
  const callerType = callerTypeOf(ctx.db, call);
  const own = call.agentId ? ownDispatchDenial(ctx, call, budgets, callerType) : undefined;
  if (own) return own;
  const applicable = budgets.filter((b) => b.scope !== 'dispatch' && appliesTo(b, call, callerType));
  const perDispatch = call.isDispatch ? budgets.filter((b) => b.scope === 'dispatch' && (!b.agent_type || b.agent_type === call.agentType)) : [];
  if (!applicable.length && !perDispatch.length) return undefined;
  const prediction = call.isDispatch ? predictDispatch(ctx.db, ctx.config, call.agentType!) : undefined;
  const subject = { sessionId: call.sessionId, project: call.project };
  const notices: Notice[] = [];
  const context: string[] = [];
  const verdict: Verdict = {};
  const states = [
    ...applicable.map((b) => evaluateBudget(ctx.db, ctx.config, b, subject, ctx.now)),
    // A new dispatch has spent nothing yet: only its prediction can overrun its own budget.
    ...perDispatch.map((b) => evaluateBudget(ctx.db, ctx.config, b, subject, ctx.now)),
  ];
  for (const state of states) {
    if (state.team?.status === 'unavailable') {
      const refusal = teamUnavailable(ctx, call, state, notices, context);
      if (refusal) return { deny: { reason: refusal, policy: 'budget' }, ...(call.isDispatch ? { dispatch: { reserved_tokens: 0 } } : {}) };
    }
    const overrun = overrunOf(state, call, prediction, ctx.now);
    if (overrun) {
      const action = call.isDispatch ? state.budget.action : 'deny';
      if (action === 'deny') return { deny: { reason: overrun.reason, policy: 'budget' }, ...(call.isDispatch ? { dispatch: { reserved_tokens: 0 } } : {}) };
      const who = { now: ctx.now, agentType: call.agentType! };
      if (action === 'ask' && !verdict.ask) {
        const usd = prediction && overrun.meter.usdPerToken ? prediction.tokens * overrun.meter.usdPerToken : undefined;
        verdict.ask = { policy: 'budget', reason: askReason(overrun.state, overrun.meter, prediction && { tokens: prediction.tokens, usd }, who) };
      }
      if (action === 'downgrade' && !verdict.updatedInput) {
        const model = state.budget.downgrade_to;
        verdict.updatedInput = { ...call.toolInput, model };
        const text = downgradeText(overrun.state, overrun.meter, prediction, { ...who, model });
        context.push(text);
        verdict.dispatch = { governance: 'downgraded', governance_reason: text };
      }
      continue;
    }
    if (state.budget.scope !== 'dispatch') for (const m of state.meters) warn(ctx, call, state, m, notices, context);
  }
  if (prediction) verdict.dispatch = { ...verdict.dispatch, reserved_tokens: prediction.tokens };
  if (notices.length) verdict.notices = notices;
  if (context.length) verdict.context = context.join('\n');
  return verdict.ask || verdict.updatedInput || verdict.dispatch || verdict.notices || verdict.context ? verdict : undefined;
};

/** The agent type of the subagent making this call ('' for the main thread, null when unknown). */
function callerTypeOf(db: Ledger, call: PreToolCall): string | null {
  if (!call.agentId) return '';
  const row = db.prepare('SELECT agent_type FROM agent_runs WHERE session_id = ? AND agent_id = ?').get(call.sessionId, call.agentId) as { agent_type: string | null } | undefined;
  return row?.agent_type ?? null;
}

/** A budget for an agent type counts that type's dispatches, and (for all_tools) the calls its subagents make. */
function appliesTo(b: Budget, call: PreToolCall, callerType: string | null): boolean {
  if (!b.agent_type) return true;
  if (call.isDispatch) return b.agent_type === call.agentType;
  return Boolean(call.agentId) && b.agent_type === callerType;
}

/**
 * A subagent whose own dispatch budget is spent: every further tool call of it is refused (its
 * dispatches too), with a reason telling it to stop and report. The main thread is never touched.
 */
function ownDispatchDenial(ctx: PolicyContext, call: PreToolCall, budgets: Budget[], callerType: string | null): Verdict | undefined {
  for (const b of budgets) {
    if (b.scope !== 'dispatch' || (b.agent_type && b.agent_type !== callerType)) continue;
    const state = evaluateBudget(ctx.db, ctx.config, b, { sessionId: call.sessionId, project: call.project, agentId: call.agentId }, ctx.now);
    const spent = state.meters.find(isSpent);
    if (!spent) continue;
    const reason = dispatchSpentReason(state, spent, { sessionId: call.sessionId, toolName: call.toolName });
    return { deny: { reason, policy: 'budget' }, ...(call.isDispatch ? { dispatch: { reserved_tokens: 0 } } : {}) };
  }
  return undefined;
}

function overrunOf(state: BudgetState, call: PreToolCall, prediction: Prediction | undefined, now: number): Overrun | undefined {
  const o = { sessionId: call.sessionId, project: call.project, now };
  const spent = state.meters.find(isSpent);
  if (spent && (call.isDispatch || state.budget.on_exhausted === 'all_tools')) {
    return { state, meter: spent, reason: spentReason(state, spent, { ...o, what: call.isDispatch ? 'Dispatch' : `This ${call.toolName} call`, predictedTokens: prediction?.tokens }) };
  }
  if (!prediction || prediction.tokens <= 0) return undefined;
  const overrun = state.meters.find((m) => used(m) + inUnit(m, prediction.tokens) > m.limit);
  return overrun ? { state, meter: overrun, reason: predictedReason(state, overrun, prediction, { ...o, agentType: call.agentType! }) } : undefined;
}

/** Past warn_at, and again once spent, the model is told once per session and window. */
function warn(ctx: PolicyContext, call: PreToolCall, state: BudgetState, m: Meter, notices: Notice[], context: string[]): void {
  const fraction = used(m) / m.limit;
  const threshold = [1, state.budget.warn_at].find((t) => fraction >= t);
  if (threshold === undefined) return;
  // A rolling window's start moves with the clock: notices are keyed by fixed periods of its length instead.
  const windowStart = state.window.rolling ? Math.floor(ctx.now / state.window.rolling) * state.window.rolling : state.window.start;
  const notice: Notice = { budget_key: `${state.key}:${m.unit}`, window_start: windowStart, threshold };
  const seen = ctx.db
    .prepare('SELECT 1 FROM budget_notices WHERE budget_key = ? AND window_start = ? AND threshold = ? AND session_id = ?')
    .get(notice.budget_key, notice.window_start, notice.threshold, call.sessionId);
  if (seen) return;
  notices.push(notice);
  context.push(warningText(state, m, ctx.now));
}

/**
 * A team budget without a fresh team figure (PostgreSQL unreachable, the server not running):
 * fail open by default, counting this machine's spend alone and telling the model once per session
 * and window; with team.when_unreachable "deny", dispatches under it are refused instead.
 */
function teamUnavailable(ctx: PolicyContext, call: PreToolCall, state: BudgetState, notices: Notice[], context: string[]): string | undefined {
  if (ctx.config.team?.when_unreachable === 'deny' && call.isDispatch) return teamUnavailableReason(state, ctx.now);
  const notice: Notice = { budget_key: `${state.key}:team-unavailable`, window_start: state.window.rolling ? Math.floor(ctx.now / state.window.rolling) * state.window.rolling : state.window.start, threshold: 0 };
  const seen = ctx.db
    .prepare('SELECT 1 FROM budget_notices WHERE budget_key = ? AND window_start = ? AND threshold = ? AND session_id = ?')
    .get(notice.budget_key, notice.window_start, notice.threshold, call.sessionId);
  if (seen) return undefined;
  notices.push(notice);
  context.push(teamUnavailableText(state));
  return undefined;
}

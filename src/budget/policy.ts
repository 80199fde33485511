// The budget policy at PreToolUse. It runs inside the hook's write transaction, so the check and
// the reservation it returns (recorded by the core as the decision event) are one step: parallel
// dispatches see each other's reservations and cannot all slip under the limit together.
import { isMetered, type Budget } from '../config/schema';
import type { Ledger } from '../ledger/db';
import type { Notice, PolicyContext, PreToolCall, PreToolPolicy, Verdict } from '../hooks/policy';
import { evaluateBudget, inUnit, isSpent, used, type BudgetState, type Meter } from './meter';
import { predictedReason, spentReason, warningText } from './messages';
import { predictDispatch, type Prediction } from './predict';

export const budgetPolicy: PreToolPolicy = (ctx, call) => {
  // Window budgets (limit_percent alone) meter nothing here: src/windows/policy.ts decides them.
  const budgets = ctx.config.budgets.filter(isMetered);
  if (!budgets.length) return undefined;
  const applicable = budgets.filter(appliesTo(ctx.db, call));
  if (!applicable.length) return undefined;
  const prediction = call.isDispatch ? predictDispatch(ctx.db, ctx.config, call.agentType!) : undefined;
  const notices: Notice[] = [];
  const context: string[] = [];
  for (const budget of applicable) {
    const state = evaluateBudget(ctx.db, ctx.config, budget, { sessionId: call.sessionId, project: call.project }, ctx.now);
    const denial = denialFor(state, call, prediction, ctx.now);
    if (denial) return { deny: { reason: denial, policy: 'budget' }, ...(call.isDispatch ? { dispatch: { reserved_tokens: 0 } } : {}) };
    for (const m of state.meters) warn(ctx, call, state, m, notices, context);
  }
  const verdict: Verdict = {};
  if (prediction) verdict.dispatch = { reserved_tokens: prediction.tokens };
  if (notices.length) (verdict.notices = notices), (verdict.context = context.join('\n'));
  return verdict;
};

/** A budget for an agent type counts that type's dispatches, and (for all_tools) the calls its subagents make. */
function appliesTo(db: Ledger, call: PreToolCall): (b: Budget) => boolean {
  let callerType: string | null | undefined;
  return (b) => {
    if (!b.agent_type) return true;
    if (call.isDispatch) return b.agent_type === call.agentType;
    if (!call.agentId) return false;
    callerType ??= (db.prepare('SELECT agent_type FROM agent_runs WHERE session_id = ? AND agent_id = ?').get(call.sessionId, call.agentId) as { agent_type: string | null } | undefined)?.agent_type ?? null;
    return b.agent_type === callerType;
  };
}

function denialFor(state: BudgetState, call: PreToolCall, prediction: Prediction | undefined, now: number): string | undefined {
  const o = { sessionId: call.sessionId, now };
  const spent = state.meters.find(isSpent);
  if (spent && (call.isDispatch || state.budget.on_exhausted === 'all_tools')) {
    return spentReason(state, spent, { ...o, what: call.isDispatch ? 'Dispatch' : `This ${call.toolName} call` });
  }
  if (!prediction || prediction.tokens <= 0) return undefined;
  const overrun = state.meters.find((m) => used(m) + inUnit(m, prediction.tokens) > m.limit);
  return overrun ? predictedReason(state, overrun, prediction, { ...o, agentType: call.agentType! }) : undefined;
}

/** Past warn_at, and again once spent, the model is told once per session and window. */
function warn(ctx: PolicyContext, call: PreToolCall, state: BudgetState, m: Meter, notices: Notice[], context: string[]): void {
  const fraction = used(m) / m.limit;
  const threshold = [1, state.budget.warn_at].find((t) => fraction >= t);
  if (threshold === undefined) return;
  const notice: Notice = { budget_key: `${state.key}:${m.unit}`, window_start: state.window.start, threshold };
  const seen = ctx.db
    .prepare('SELECT 1 FROM budget_notices WHERE budget_key = ? AND window_start = ? AND threshold = ? AND session_id = ?')
    .get(notice.budget_key, notice.window_start, notice.threshold, call.sessionId);
  if (seen) return;
  notices.push(notice);
  context.push(warningText(state, m, ctx.now));
}

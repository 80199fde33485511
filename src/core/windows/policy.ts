// Window budgets: `{"scope": "5h", "limit_percent": 80}` refuses new dispatches while Claude Code's
// last reported 5-hour window stands at or above 80%. The level is Claude's own (from its status
// line, recorded as `rate_limits` events), so this policy only reads the ledger; a snapshot past its
// reset no longer counts, and a session the user lifted (`agent-warden windows lift`) passes.
import type { Budget } from '../../runtime/config/schema';
import type { PreToolPolicy } from '../policy/interface';
import { isLifted, standingWindow } from './ledger';
import { windowRefusal } from './messages';

export const isWindowBudget = (b: Budget): b is Budget & { limit_percent: number } => b.limit_percent !== undefined;

export const windowBudgetPolicy: PreToolPolicy = (ctx, call) => {
  if (!call.isDispatch) return undefined;
  for (const b of ctx.config.budgets) {
    if (!isWindowBudget(b)) continue;
    if (b.agent_type && b.agent_type !== call.agentType) continue;
    const w = standingWindow(ctx.db, b.scope, ctx.now);
    if (!w || w.used_percentage < b.limit_percent) continue;
    if (isLifted(ctx.db, call.sessionId, b.scope)) continue;
    return {
      deny: { reason: windowRefusal(w, b.limit_percent, { sessionId: call.sessionId, now: ctx.now, timeZone: ctx.config.timezone }), policy: 'window_budget' },
      dispatch: { reserved_tokens: 0 },
    };
  }
  return undefined;
};

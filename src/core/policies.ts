// The PreToolUse policies, in the order they decide: a breaker, cap or budget denial comes before
// any rewrite, and the first denial wins. Agent-warden's own commands pass the breaker, the spawn
// caps and the budgets untouched (the command a denial names must be able to run).
import { breakerPolicy } from './breaker/policy';
import { budgetPolicy } from './budget/policy';
import { proxyDispatchPolicy } from './discovery/proxy-policy';
import { spawnCapPolicy } from './spawn/policy';
import { windowBudgetPolicy } from './windows/policy';
import { internalToolPolicy } from './internal-tool-policy';
import { exemptOwnCommands } from './own-commands';
import type { PreToolPolicy } from './policy/interface';

export const defaultPolicies: PreToolPolicy[] = [
  internalToolPolicy,
  exemptOwnCommands(breakerPolicy),
  exemptOwnCommands(spawnCapPolicy),
  exemptOwnCommands(budgetPolicy),
  exemptOwnCommands(windowBudgetPolicy),
  proxyDispatchPolicy,
];

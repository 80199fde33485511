// The PreToolUse policies, in the order they decide: a breaker or budget denial comes before any
// rewrite, and the first denial wins.
import { breakerPolicy } from '../breaker/policy';
import { budgetPolicy } from '../budget/policy';
import { proxyDispatchPolicy } from '../discovery/proxy-policy';
import { windowBudgetPolicy } from '../windows/policy';
import { internalToolPolicy } from './internal-tool-policy';
import type { PreToolPolicy } from './policy';

export const defaultPolicies: PreToolPolicy[] = [internalToolPolicy, breakerPolicy, budgetPolicy, windowBudgetPolicy, proxyDispatchPolicy];

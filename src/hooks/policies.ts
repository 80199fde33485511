// The PreToolUse policies, in the order they decide: a breaker or budget denial comes before any
// rewrite, and the first denial wins.
import type { PreToolPolicy } from './policy';

export const defaultPolicies: PreToolPolicy[] = [];

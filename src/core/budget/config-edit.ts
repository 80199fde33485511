// `budget set` edits one config file: a budget with the same key (id, else scope, agent type and
// project flag) is replaced, others are kept, and every other setting is left as it was.
import type { Budget } from '../../runtime/config/schema';
import { budgetKey } from './meter';

export type BudgetInput = Partial<Budget> & Pick<Budget, 'scope'>;

export function withBudget(raw: Record<string, unknown>, budget: BudgetInput, opts: { remove?: boolean } = {}): { next: Record<string, unknown>; replaced: boolean } {
  const current = Array.isArray(raw.budgets) ? (raw.budgets as Record<string, unknown>[]) : [];
  const key = budgetKey(budget as Budget);
  const kept = current.filter((b) => budgetKey(b as unknown as Budget) !== key);
  const replaced = kept.length !== current.length;
  return { next: { ...raw, budgets: opts.remove ? kept : [...kept, budget] }, replaced };
}

/** Same as meter.ts's Unit (kept here so this file imports nothing). */
export type Unit = 'tokens' | 'usd';
export interface BudgetStatusRow {
    budget: string;
    scope: string;
    agent_type: string | null;
    project_only: boolean;
    on_exhausted: string;
    unit: Unit;
    spent: number;
    reserved: number;
    limit: number;
    raised: number;
    percent: number;
    window_start: string;
    resets_at: string | null;
    resets_in_ms: number | null;
    /** Spend at reset if the burn rate holds; null for session budgets (no reset). */
    forecast_at_reset: number | null;
    /** When the limit is reached if the burn rate holds, when that comes before the reset. */
    exhausted_at: string | null;
    /** USD meters: tokens of models without a price; the spend is then a lower bound. */
    unpriced_tokens: number;
    lower_bound: boolean;
    /** USD meters: tokens priced at an estimate (no exact or learned price for their model). */
    estimated_tokens: number;
    /** Spend per hour at the current burn rate (what a session budget forecasts by: it has no reset). */
    burn_per_hour: number;
}
/** A spawn cap beside the budgets in `budget status`: the same keys where they mean something. */
export interface CapStatusRow {
    budget: string;
    scope: 'spawn';
    unit: 'subagents' | 'depth';
    /** Subagents started (max_per_session), running now (max_running), or the deepest run so far (max_depth). */
    spent: number;
    limit: number;
    raised: number;
    percent: number;
}

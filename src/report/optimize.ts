// Advice from the data, as small named rules over plain facts: agents listed (and paid for on
// every request) but never dispatched, context handed again and again, agent types that fail
// often, budgets close to running out. Pure: facts in, advice out.
import type { RepeatedContext } from './optimize-query';
import type { UsageGroup } from './usage-report';

export interface ListedAgent {
  name: string;
  tier: string;
  listing_tokens: number;
}

export interface BudgetUse {
  budget: string;
  unit: string;
  percent: number;
  spent: number;
  limit: number;
  resets_at: string | null;
}

export interface OptimizeFacts {
  /** undefined: the catalog was unavailable, so the unused-agents rule is skipped. */
  listedAgents?: ListedAgent[];
  dispatchCounts: Map<string, number>;
  mainRequests: number;
  repeatedContext: RepeatedContext[];
  byAgent: UsageGroup[];
  /** undefined: no budget status available. */
  budgets?: BudgetUse[];
}

export interface Thresholds {
  minContextTokens: number;
  minFinished: number;
  maxFailureRate: number;
  budgetPercent: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { minContextTokens: 500, minFinished: 3, maxFailureRate: 0.3, budgetPercent: 80 };

export type RuleName = 'unused-agent' | 'repeated-context' | 'failing-agent' | 'budget-near-limit';

export interface Advice {
  rule: RuleName;
  subject: string;
  message: string;
  /** Tokens the advice would save in the window looked at, when that can be estimated. */
  tokens?: number;
}

export interface OptimizeReport {
  advice: Advice[];
  skipped: Array<{ rule: RuleName; why: string }>;
}

type Rule = (facts: OptimizeFacts, t: Thresholds) => Advice[] | string;

const rules: Record<RuleName, Rule> = {
  'unused-agent': (f) => {
    if (!f.listedAgents) return 'the agent catalog could not be read';
    return f.listedAgents
      .filter((a) => !f.dispatchCounts.get(a.name))
      .sort((a, b) => b.listing_tokens - a.listing_tokens)
      .map((a) => ({
        rule: 'unused-agent',
        subject: a.name,
        tokens: a.listing_tokens * f.mainRequests,
        message: `${a.name} (${a.tier}) is listed on every request (~${int(a.listing_tokens)} tokens) but was never dispatched; ${f.mainRequests} main-thread requests carried it. Move it out of the core set: \`agent-warden core plan\`.`,
      }));
  },
  'repeated-context': (f, t) =>
    f.repeatedContext
      .filter((c) => c.tokens >= t.minContextTokens)
      .map((c) => ({
        rule: 'repeated-context',
        subject: c.path,
        tokens: c.tokens * (c.dispatches - 1),
        message: `${c.path} (~${int(c.tokens)} tokens) was handed to ${c.dispatches} dispatches (${c.agent_types.join(', ')}); ~${int(c.tokens * (c.dispatches - 1))} tokens went to reading it again. Summarise it once and pass the summary, or dispatch one agent for the related tasks.`,
      })),
  'failing-agent': (f, t) =>
    f.byAgent
      .filter((g) => g.success_rate !== null && g.completed + g.failed + g.killed >= t.minFinished && 1 - g.success_rate >= t.maxFailureRate)
      .map((g) => ({
        rule: 'failing-agent',
        subject: g.key,
        message: `${g.key} failed ${g.failed + g.killed} of ${g.completed + g.failed + g.killed} finished dispatches (${Math.round((1 - g.success_rate!) * 100)}%). See \`agent-warden failures --agent ${g.key}\`.`,
      })),
  'budget-near-limit': (f, t) => {
    if (!f.budgets) return 'no budget status is available';
    return f.budgets
      .filter((b) => b.percent >= t.budgetPercent)
      .map((b) => ({
        rule: 'budget-near-limit',
        subject: b.budget,
        message: `budget ${b.budget} is at ${b.percent}% (${b.spent} of ${b.limit} ${b.unit})${b.resets_at ? `, resets ${b.resets_at}` : ''}.`,
      }));
  },
};

const int = (n: number) => n.toLocaleString('en-US');

export function buildOptimizeReport(facts: OptimizeFacts, thresholds: Thresholds = DEFAULT_THRESHOLDS): OptimizeReport {
  const report: OptimizeReport = { advice: [], skipped: [] };
  for (const [name, rule] of Object.entries(rules) as Array<[RuleName, Rule]>) {
    const result = rule(facts, thresholds);
    if (typeof result === 'string') report.skipped.push({ rule: name, why: result });
    else report.advice.push(...result);
  }
  return report;
}

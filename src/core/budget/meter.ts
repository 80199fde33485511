// A budget's state in its current window, one meter per limit (tokens, USD): spent, reserved by
// running dispatches, and the limit with any override added. Shared by the PreToolUse policy and
// `agent-warden budget status`, so both always agree.
import type { Budget, Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';
import { billed, oldestSpend, overrides, reserved, sessionStart, type SpendFilter } from './spend';
import { systemTimeZone, windowOf, type Window } from './window';
import { teamFigure, type TeamFigure } from './team-figure';

export type Unit = 'tokens' | 'usd';

export interface Meter {
  unit: Unit;
  spent: number;
  reserved: number;
  /** The configured limit plus overrides. */
  limit: number;
  raised: number;
  /** USD meters: tokens of unpriced models (spend is then a lower bound). */
  unpricedTokens: number;
  /** USD meters: tokens priced at an estimate (models without an exact or learned price). */
  estimatedTokens?: number;
  /** USD meters: average price of this window's priced tokens, to turn token reservations into USD. */
  usdPerToken?: number;
}

export interface BudgetState {
  budget: Budget;
  key: string;
  label: string;
  window: Window;
  timeZone: string;
  meters: Meter[];
  /** Team budgets: the other machines' spend that was added, or why it could not be (then this machine's spend alone counts). */
  team?: TeamFigure;
}

/** Whose spend a budget is checked for: the session making the call, in its project. */
export interface Subject {
  sessionId: string;
  project: string;
  /** For `dispatch` budgets: the subagent whose own spend is checked. */
  agentId?: string;
}

/** Stable name of a budget: its id, else scope[:agent_type][:project]. Keys notices and overrides. */
export function budgetKey(b: Budget): string {
  return b.id ?? [b.scope, b.agent_type, b.model ? `model=${b.model}` : undefined, b.project ? 'project' : undefined, b.team ? 'team' : undefined].filter(Boolean).join(':');
}

export function budgetLabel(b: Budget, teamName?: string): string {
  const name = b.id ? `"${b.id}" (${b.scope})` : b.scope;
  const scope = b.scope === 'dispatch' ? ' of this dispatch' : '';
  return `${b.team ? `team ${teamName ? `"${teamName}" ` : ''}` : ''}${name} budget${scope}${b.agent_type ? ` for ${b.agent_type} dispatches` : ''}${b.model ? ` on ${b.model} models` : ''}${b.project ? ' in this project' : ''}`;
}

export function timeZoneOf(config: Config): string {
  return config.timezone ?? systemTimeZone();
}

export function evaluateBudget(db: Ledger, config: Config, b: Budget, subject: Subject, now: number): BudgetState {
  const timeZone = timeZoneOf(config);
  const window = windowOf(b.scope, now, timeZone);
  const perSession = b.scope === 'session' || b.scope === 'dispatch';
  const filter: SpendFilter = {
    ...(perSession ? { sessionId: subject.sessionId } : { since: window.start }),
    ...(b.scope === 'dispatch' ? { agentId: subject.agentId ?? '\u0000none' } : {}),
    agentType: b.scope === 'dispatch' ? undefined : b.agent_type,
    project: b.project ? subject.project : undefined,
    model: b.model,
  };
  if (perSession) window.start = sessionStart(db, subject.sessionId) ?? now;
  if (window.rolling) window.end = (oldestSpend(db, filter) ?? now) + window.rolling;
  const key = budgetKey(b);
  const spend = billed(db, filter);
  // A team budget adds the other machines' spend, as last fetched in the background (never the network here).
  const team = b.team ? teamFigure(db, config, b, { project: subject.project, windowStart: window.start, rolling: Boolean(window.rolling), now }) : undefined;
  if (team?.status === 'fresh') {
    spend.tokens += team.tokens;
    spend.usd += team.usd;
    spend.unpricedTokens += team.unpricedTokens;
  }
  const held = reserved(db, filter);
  const raise = overrides(db, { sessionId: subject.sessionId, budgetKey: key, since: perSession ? 0 : window.start });
  const meters: Meter[] = [];
  if (b.limit_tokens !== undefined) {
    meters.push({ unit: 'tokens', spent: spend.tokens, reserved: held, limit: b.limit_tokens + raise.tokens, raised: raise.tokens, unpricedTokens: 0 });
  }
  if (b.limit_usd !== undefined) {
    const pricedTokens = spend.tokens - spend.unpricedTokens;
    const usdPerToken = pricedTokens > 0 ? spend.usd / pricedTokens : undefined;
    meters.push({
      unit: 'usd',
      spent: spend.usd,
      reserved: usdPerToken ? held * usdPerToken : 0,
      limit: b.limit_usd + raise.usd,
      raised: raise.usd,
      unpricedTokens: spend.unpricedTokens,
      estimatedTokens: spend.estimatedTokens,
      usdPerToken,
    });
  }
  return { budget: b, key, label: budgetLabel(b, config.team?.name), window, timeZone, meters, ...(team ? { team } : {}) };
}

export const used = (m: Meter) => m.spent + m.reserved;
export const isSpent = (m: Meter) => used(m) >= m.limit;

/** Tokens turned into this meter's unit (USD at the window's average price; 0 when nothing is priced yet). */
export const inUnit = (m: Meter, tokens: number) => (m.unit === 'tokens' ? tokens : tokens * (m.usdPerToken ?? 0));

export function amount(unit: Unit, n: number): string {
  return unit === 'tokens' ? `${Math.round(n).toLocaleString('en-US')} tokens` : `$${n.toFixed(2)}`;
}

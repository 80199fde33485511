// Picks the core set under core.max_agents and core.max_tokens (the sum of listing-line tokens).
// Agents that cannot move but are listed anyway (user agents, bad YAML, duplicates, symlinks) use the
// budget first; pins and agents in their grace period always get in, even past the budget (reported);
// then used agents in rank order while they fit. A large agent that does not fit is skipped, so a
// smaller one further down may still take the remaining tokens. Unused agents never get a slot.
import type { Config } from '../../runtime/config/schema';
import type { AgentEntry } from './catalog';
import type { RankedAgent } from './rank';

export interface Budget {
  maxAgents: number;
  maxTokens: number;
  agents: number;
  tokens: number;
}

export interface Selection {
  core: RankedAgent[];
  extended: RankedAgent[];
  /** Listed agents that stay where they are whatever the ranking says. */
  fixed: AgentEntry[];
  budget: Budget;
  warnings: string[];
}

export function selectCore(entries: readonly AgentEntry[], ranked: readonly RankedAgent[], config: Config): Selection {
  const fixed = entries.filter((e) => !e.movable && e.listable && !e.shadowed && e.tier !== 'extended' && !e.hidden);
  const budget: Budget = {
    maxAgents: config.core.max_agents,
    maxTokens: config.core.max_tokens,
    agents: fixed.length,
    tokens: fixed.reduce((sum, e) => sum + e.listingTokens, 0),
  };
  const selection: Selection = { core: [], extended: [], fixed, budget, warnings: [] };
  if (budget.agents > budget.maxAgents || budget.tokens > budget.maxTokens) {
    selection.warnings.push(
      `agents that cannot be moved already take ${budget.agents} agents / ${budget.tokens} tokens of the core budget (${budget.maxAgents} / ${budget.maxTokens})`,
    );
  }

  for (const agent of ranked) {
    const tokens = agent.entry.listingTokens;
    const always = agent.reason === 'pinned' || agent.reason === 'grace';
    const fits = budget.agents + 1 <= budget.maxAgents && budget.tokens + tokens <= budget.maxTokens;
    if (always || (agent.reason === 'used' && fits)) {
      selection.core.push(agent);
      budget.agents += 1;
      budget.tokens += tokens;
      if (always && !fits) selection.warnings.push(`${agent.reason} agent "${agent.name}" is kept in core past the budget`);
    } else {
      selection.extended.push(agent);
    }
  }

  const rankedNames = new Set(ranked.map((a) => a.name));
  for (const pin of config.core.pinned) {
    if (rankedNames.has(pin)) continue;
    const entry = entries.find((e) => e.name === pin);
    selection.warnings.push(
      entry ? `pinned agent "${pin}" stays where it is: ${entry.stuck ?? 'it cannot be moved'}` : `pinned agent "${pin}" was not found`,
    );
  }
  return selection;
}

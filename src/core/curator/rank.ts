// Orders the agents the curator may move, most deserving of a core slot first.
//
// Score: every dispatch counts 0.5^(age / half_life_days), times a weight for how it ended. A failed
// or killed dispatch still shows the model reached for that agent, but less surely than a completed
// one; a denied dispatch never ran, and a retry loop can produce dozens of them, so it counts nothing.
// A dispatch reached through proxy discovery from the extended set counts like any other: it is
// exactly the evidence that the agent belongs back in core.
//
// Order: pins (core.pinned, in config order), then agents in their grace period, then by score.
// Cold start: an agent with no dispatches scores 0 and goes to the extended set, unless the user put
// it in core within the last grace_days (see ./seen.ts for how arrival is known). File mtimes are not
// used: copying, cloning or checking out a collection resets them all.
// An agent already in core needs to be beaten by INCUMBENT_MARGIN to lose its slot, so two agents
// with near-equal scores don't swap folders (and the client's listing) on every new dispatch.
import type { Config } from '../../runtime/config/schema';
import type { AgentEntry } from './catalog';
import { isOutsideTier } from './layout';
import type { AgentUsage } from './usage';

export const statusWeight: Readonly<Record<string, number>> = {
  completed: 1,
  running: 0.5,
  failed: 0.5,
  killed: 0.25,
  denied: 0,
};

export const INCUMBENT_MARGIN = 1.25;

const DAY = 86_400_000;

export type RankReason = 'pinned' | 'grace' | 'used' | 'unused';

export interface RankedAgent {
  entry: AgentEntry;
  name: string;
  score: number;
  reason: RankReason;
  uses: number;
  lastUsedAt?: number;
  graceEndsAt?: number;
}

export interface RankContext {
  config: Config;
  now: number;
  usage: ReadonlyMap<string, AgentUsage>;
  /** When each agent was last put into core by the user (not by the curator), ms epoch. */
  arrivals: ReadonlyMap<string, number>;
}

export function decayedScore(usage: AgentUsage | undefined, now: number, halfLifeDays: number): number {
  if (!usage) return 0;
  const halfLifeMs = halfLifeDays * DAY;
  let score = 0;
  for (const bucket of usage.buckets) {
    const weight = statusWeight[bucket.status] ?? 0;
    if (weight === 0) continue;
    const age = Math.max(0, now - bucket.hourStart);
    score += bucket.count * weight * 0.5 ** (age / halfLifeMs);
  }
  return score;
}

/** Claude Code lists it now: in core, or a user/plugin agent the curator does not hide. */
export const listedNow = (e: AgentEntry) => e.tier === 'core' || (isOutsideTier(e.tier) && !e.hidden);

/** Ranks the movable (or hideable), listable agents; everything else is fixed in place (see ./select.ts). */
export function rankAgents(entries: readonly AgentEntry[], ctx: RankContext): RankedAgent[] {
  const { core } = ctx.config;
  const pinOrder = new Map(core.pinned.map((name, i) => [name, i]));
  const graceMs = core.grace_days * DAY;
  const ranked = entries
    .filter((e) => e.movable && e.listable)
    .map((entry): RankedAgent & { sortScore: number } => {
      const usage = ctx.usage.get(entry.name);
      const score = decayedScore(usage, ctx.now, core.half_life_days);
      const arrived = ctx.arrivals.get(entry.name);
      const graceEndsAt = entry.tier === 'core' && arrived !== undefined && ctx.now - arrived < graceMs ? arrived + graceMs : undefined;
      const reason: RankReason = pinOrder.has(entry.name) ? 'pinned' : graceEndsAt ? 'grace' : score > 0 ? 'used' : 'unused';
      return {
        entry,
        name: entry.name,
        score,
        reason,
        uses: usage?.dispatches ?? 0,
        lastUsedAt: usage?.lastUsedAt,
        graceEndsAt,
        sortScore: listedNow(entry) ? score * INCUMBENT_MARGIN : score,
      };
    });
  const reasonOrder: Record<RankReason, number> = { pinned: 0, grace: 1, used: 2, unused: 3 };
  ranked.sort(
    (a, b) =>
      reasonOrder[a.reason] - reasonOrder[b.reason] ||
      (pinOrder.get(a.name) ?? 0) - (pinOrder.get(b.name) ?? 0) ||
      b.sortScore - a.sortScore ||
      (b.lastUsedAt ?? 0) - (a.lastUsedAt ?? 0) ||
      a.entry.listingTokens - b.entry.listingTokens ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return ranked.map(({ sortScore: _, ...agent }) => agent);
}

// When did the user put each agent into core? That is what the grace period counts from.
// The first time the curator records a project, everything present is the baseline (no grace: a
// collection installed in bulk would otherwise stay listed for a week). After that, an agent that
// shows up in core, either new or moved back from the extended set by hand, arrives "now". The
// curator's own moves are recorded as placements, so they never start a grace period.
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { AgentEntry } from './catalog';
import { type ProjectLayout, type ProjectTier, isOutsideTier, stateFile } from './layout';
import type { Move } from './plan';
import { readJson, writeJsonAtomic } from './state-file';

const seenSchema = z.object({
  version: z.literal(1),
  baselineAt: z.number(),
  agents: z.record(
    z.string(),
    z.object({
      tier: z.enum(['core', 'extended']),
      /** ms epoch when the user put it into core; null for baseline agents and curator placements. */
      arrivedAt: z.nullable(z.number()),
    }),
  ),
});

export type SeenState = z.output<typeof seenSchema>;

export function readSeen(layout: ProjectLayout): SeenState | undefined {
  const read = readJson(join(layout.state, stateFile.seen), seenSchema);
  // A corrupt file is treated as a fresh baseline: the worst case is one lost grace period.
  return read.state === 'ok' ? read.value : undefined;
}

export function writeSeen(layout: ProjectLayout, seen: SeenState): void {
  writeJsonAtomic(join(layout.state, stateFile.seen), seen);
}

export function observeArrivals(
  previous: SeenState | undefined,
  entries: readonly AgentEntry[],
  now: number,
): { arrivals: Map<string, number>; next: SeenState } {
  const next: SeenState = { version: 1, baselineAt: previous?.baselineAt ?? now, agents: {} };
  const arrivals = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.listable || isOutsideTier(entry.tier) || next.agents[entry.name]) continue;
    const tier = entry.tier as ProjectTier;
    const before = previous?.agents[entry.name];
    let arrivedAt: number | null;
    if (!previous) arrivedAt = null;
    else if (!before) arrivedAt = tier === 'core' ? now : null;
    else if (tier === 'core' && before.tier === 'extended') arrivedAt = now;
    else arrivedAt = before.arrivedAt;
    next.agents[entry.name] = { tier, arrivedAt };
    if (arrivedAt !== null) arrivals.set(entry.name, arrivedAt);
  }
  return { arrivals, next };
}

/** Records where the curator put agents, so the next observation doesn't take them for the user's moves. */
export function recordPlacements(seen: SeenState, moves: readonly Move[]): SeenState {
  const agents = { ...seen.agents };
  for (const move of moves) {
    const tier: ProjectTier = move.direction === 'promote' ? 'core' : 'extended';
    agents[move.name] = { tier, arrivedAt: agents[move.name]?.arrivedAt ?? null };
  }
  return { ...seen, agents };
}

// Turns a selection into file moves and the listing tokens they save. Read-only: it looks at the
// disk only to refuse a move whose target path is already taken (moves never overwrite).
import { lstatSync } from 'node:fs';
import type { Catalog, CatalogProblem, AgentEntry } from './catalog';
import { type ProjectTier, isOutsideTier, mirrorPath, resolveAgentPath } from './layout';
import { BUILTIN_LISTING_TOKENS } from './listing';
import type { RankReason } from './rank';
import type { Selection } from './select';

export interface Move {
  name: string;
  /** Project-relative paths, posix separators. */
  from: string;
  to: string;
  tokens: number;
  direction: 'demote' | 'promote';
  reason: RankReason;
  score: number;
}

/** A user or plugin agent hidden from (or shown again in) this project's listing by a deny rule. */
export interface VisibilityChange {
  name: string;
  source: 'user' | 'plugin';
  plugin?: string;
  direction: 'hide' | 'show';
  tokens: number;
  reason: RankReason;
  score: number;
}

/** Listing tokens per request by where the agents come from. */
export interface ListingBySource {
  builtin: number;
  user: number;
  plugin: number;
  project: number;
}

export interface BlockedMove extends Move {
  why: string;
}

export interface ListingCost {
  agents: number;
  tokens: number;
}

export interface Plan {
  project: string;
  moves: Move[];
  /** User and plugin agents to hide or show again (settings.local.json deny rules). */
  visibility: VisibilityChange[];
  /** Every user/plugin agent type the curator hides once the plan is applied (sorted). */
  hiddenAfter: string[];
  blocked: BlockedMove[];
  /** What the listed folders cost per request now, and after the moves (built-in agents excluded). */
  before: ListingCost;
  after: ListingCost;
  savedTokens: number;
  /** Claude Code's own share of the listing (header and built-in agents), for context. */
  builtinTokens: number;
  bySource: { before: ListingBySource; after: ListingBySource };
  selection: Selection;
  problems: CatalogProblem[];
  warnings: string[];
}

export function planMoves(catalog: Catalog, selection: Selection): Plan {
  const moves: Move[] = [];
  const blocked: BlockedMove[] = [];
  const wanted: Array<[ProjectTier, typeof selection.core]> = [
    ['core', selection.core],
    ['extended', selection.extended],
  ];
  for (const [target, agents] of wanted) {
    for (const agent of agents) {
      const { entry } = agent;
      if (entry.tier === target || !entry.projectPath) continue;
      const move: Move = {
        name: agent.name,
        from: entry.projectPath,
        to: mirrorPath(catalog.project, entry.projectPath),
        tokens: entry.listingTokens,
        direction: target === 'core' ? 'promote' : 'demote',
        reason: agent.reason,
        score: round(agent.score),
      };
      const why = targetTaken(catalog.project, move.to);
      if (why) blocked.push({ ...move, why });
      else moves.push(move);
    }
  }
  const visibility: VisibilityChange[] = [];
  const hiddenAfter = new Set(catalog.entries.filter((e) => e.hidden).map((e) => e.name));
  for (const [show, agents] of [[true, selection.core], [false, selection.extended]] as const) {
    for (const agent of agents) {
      const { entry } = agent;
      if (entry.tier !== 'user' && entry.tier !== 'plugin') continue;
      if (show === !entry.hidden) continue;
      if (show) hiddenAfter.delete(entry.name);
      else hiddenAfter.add(entry.name);
      visibility.push({
        name: agent.name,
        source: entry.tier,
        ...(entry.plugin ? { plugin: entry.plugin } : {}),
        direction: show ? 'show' : 'hide',
        tokens: entry.listingTokens,
        reason: agent.reason,
        score: round(agent.score),
      });
    }
  }
  visibility.sort((a, b) => (a.direction === b.direction ? (a.name < b.name ? -1 : 1) : a.direction === 'show' ? -1 : 1));
  // Promotions first: they are the news; demotions are mostly the long tail.
  moves.sort((a, b) => (a.direction === b.direction ? (a.name < b.name ? -1 : 1) : a.direction === 'promote' ? -1 : 1));

  const before = listingCost(catalog.entries);
  const demoted = new Set(moves.filter((m) => m.direction === 'demote').map((m) => m.from));
  const promoted = new Set(moves.filter((m) => m.direction === 'promote').map((m) => m.from));
  const shown = new Set(visibility.filter((v) => v.direction === 'show').map((v) => v.name));
  const hiding = new Set(visibility.filter((v) => v.direction === 'hide').map((v) => v.name));
  const afterEntries = catalog.entries.filter((e) => !(e.projectPath && demoted.has(e.projectPath)) && !(isOutsideTier(e.tier) && hiding.has(e.name)));
  const alsoListed = catalog.entries.filter((e) => (e.projectPath && promoted.has(e.projectPath)) || (isOutsideTier(e.tier) && e.hidden && shown.has(e.name)));
  const after = listingCost(afterEntries, alsoListed);
  return {
    project: catalog.project,
    moves,
    visibility,
    hiddenAfter: [...hiddenAfter].sort(),
    blocked,
    before,
    after,
    savedTokens: before.tokens - after.tokens,
    builtinTokens: BUILTIN_LISTING_TOKENS,
    bySource: { before: bySource(listedEntries(catalog.entries)), after: bySource(listedEntries(afterEntries).concat(alsoListed)) },
    selection,
    problems: catalog.problems,
    warnings: [...selection.warnings, ...blocked.map((b) => `cannot move "${b.name}" to ${b.to}: ${b.why}`)],
  };
}

/** The agents Claude Code lists: core, and the user's and plugins' when scanned and not hidden. */
export const listedEntries = (entries: readonly AgentEntry[]) => entries.filter((e) => e.tier !== 'extended' && e.listable && !e.shadowed && !e.hidden);

/** Listing cost of the agents Claude Code lists (built-in agents excluded). */
export function listingCost(entries: readonly AgentEntry[], alsoListed: readonly AgentEntry[] = []): ListingCost {
  const listed = listedEntries(entries).concat(alsoListed);
  return { agents: listed.length, tokens: listed.reduce((sum, e) => sum + e.listingTokens, 0) };
}

export function bySource(listed: readonly AgentEntry[]): ListingBySource {
  const out: ListingBySource = { builtin: BUILTIN_LISTING_TOKENS, user: 0, plugin: 0, project: 0 };
  for (const e of listed) out[e.tier === 'user' ? 'user' : e.tier === 'plugin' ? 'plugin' : 'project'] += e.listingTokens;
  return out;
}

function targetTaken(project: string, to: string): string | undefined {
  const { abs } = resolveAgentPath(project, to);
  try {
    lstatSync(abs);
    return 'a file already exists there';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return 'a file is in the way of its folder';
    return `cannot check it (${code})`;
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

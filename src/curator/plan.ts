// Turns a selection into file moves and the listing tokens they save. Read-only: it looks at the
// disk only to refuse a move whose target path is already taken (moves never overwrite).
import { lstatSync } from 'node:fs';
import type { Catalog, CatalogProblem, AgentEntry } from './catalog';
import { type ProjectTier, mirrorPath, resolveAgentPath } from './layout';
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
  blocked: BlockedMove[];
  /** What the listed folders cost per request now, and after the moves (built-in agents excluded). */
  before: ListingCost;
  after: ListingCost;
  savedTokens: number;
  /** Claude Code's own share of the listing (header and built-in agents), for context. */
  builtinTokens: number;
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
  // Promotions first: they are the news; demotions are mostly the long tail.
  moves.sort((a, b) => (a.direction === b.direction ? (a.name < b.name ? -1 : 1) : a.direction === 'promote' ? -1 : 1));

  const before = listingCost(catalog.entries);
  const demoted = new Set(moves.filter((m) => m.direction === 'demote').map((m) => m.from));
  const promoted = new Set(moves.filter((m) => m.direction === 'promote').map((m) => m.from));
  const after = listingCost(
    catalog.entries.filter((e) => !(e.projectPath && demoted.has(e.projectPath))),
    catalog.entries.filter((e) => e.projectPath && promoted.has(e.projectPath)),
  );
  return {
    project: catalog.project,
    moves,
    blocked,
    before,
    after,
    savedTokens: before.tokens - after.tokens,
    builtinTokens: BUILTIN_LISTING_TOKENS,
    selection,
    problems: catalog.problems,
    warnings: [...selection.warnings, ...blocked.map((b) => `cannot move "${b.name}" to ${b.to}: ${b.why}`)],
  };
}

/** Listing cost of the agents Claude Code lists from core (and the user's folder, when scanned). */
export function listingCost(entries: readonly AgentEntry[], alsoListed: readonly AgentEntry[] = []): ListingCost {
  const listed = entries.filter((e) => e.tier !== 'extended' && e.listable && !e.shadowed).concat(alsoListed);
  return { agents: listed.length, tokens: listed.reduce((sum, e) => sum + e.listingTokens, 0) };
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

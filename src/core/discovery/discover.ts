// The one ranking every entry point uses (discover_agents, `agent-warden find`, the did-you-mean
// after a dispatch names no agent): the project's cached index, plus the usage prior when a ledger
// is at hand. Without one the ranking is the same minus the prior, and the caller says so.
import type { Ledger } from '../../ledger/db';
import { errorText, trace } from '../../runtime/log';
import type { DiscoveryAgent } from './collection';
import { projectIndex } from './project-index';
import type { Ranked } from './rank';
import { readPastDispatches, usagePrior } from './usage-prior';

export interface DiscoverOptions {
  limit: number;
  ledger?: Ledger;
  halfLifeDays?: number;
  now?: number;
}

export interface Discovery {
  results: Ranked<DiscoveryAgent>[];
  /** Every agent of the project (for exact-name look-ups). */
  agents: DiscoveryAgent[];
  /** Why the usage prior was left out, when it was. */
  priorSkipped?: string;
}

export function discover(project: string, query: string, opts: DiscoverOptions): Discovery {
  const now = opts.now ?? Date.now();
  const halfLifeDays = opts.halfLifeDays ?? 14;
  const { agents, index } = projectIndex(project, now);
  let prior: ((name: string) => number) | undefined;
  let priorSkipped: string | undefined;
  if (opts.ledger) {
    try {
      prior = usagePrior(readPastDispatches(opts.ledger, project, now, halfLifeDays), query, now, halfLifeDays);
    } catch (err) {
      priorSkipped = `the ledger could not be read (${errorText(err)})`;
      trace(`discovery: ranking without usage history: ${priorSkipped}`);
    }
  } else {
    priorSkipped = 'no ledger';
  }
  return { results: index.rank(query, { limit: opts.limit, prior }), agents, priorSkipped };
}

/** "name (also: a, b)" for one result. */
export function withAlso(r: Ranked<DiscoveryAgent>): string {
  return r.also.length ? `${r.doc.name} (also: ${r.also.map((d) => d.name).join(', ')})` : r.doc.name;
}

// Shared types for projection handlers: the context they run with and the handler signature.
import type { ModelPrice } from '../../runtime/config/schema';
import type { Ledger } from '../db';
import type { EventKind } from '../event-kinds';
import type { StoredEvent } from '../events';

export interface ProjectionContext {
  pricing: Record<string, ModelPrice>;
  /** Set by batch writers: cost settling and rate learning wait for the batch's end (see usage.ts). */
  deferred?: DeferredPricing;
}

/**
 * Work a batch writer (`import`, `ledger rebuild`) does once per batch instead of once per event:
 * settling a session's rows against its cost-state and learning a model's rates both re-read every
 * row they touch, so doing them per event made an import of many sessions quadratic. Each is a
 * function of the rows as they stand, so running it once after the batch's last event leaves the
 * same rows as running it after each. The writer calls `settleDeferred` (usage.ts) before it commits.
 */
export interface DeferredPricing {
  /** `session\0model` pairs to settle. */
  settle: Set<string>;
  /** Models to learn rates for, with the latest time a cost-state of theirs was seen. */
  learn: Map<string, number>;
}

/** Applies one event of kind K to the projections. */
export type Projector<K extends EventKind> = (db: Ledger, ev: StoredEvent<K>, ctx: ProjectionContext) => void;

/** One projector per event kind, none missing. */
export type ProjectionTable = { [K in EventKind]: Projector<K> };

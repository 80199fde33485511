// Shared types for projection handlers: the context they run with and the handler signature.
import type { ModelPrice } from '../../config/schema';
import type { Ledger } from '../db';
import type { EventKind } from '../event-kinds';
import type { StoredEvent } from '../events';

export interface ProjectionContext {
  pricing: Record<string, ModelPrice>;
}

/** Applies one event of kind K to the projections. */
export type Projector<K extends EventKind> = (db: Ledger, ev: StoredEvent<K>, ctx: ProjectionContext) => void;

/** One projector per event kind, none missing. */
export type ProjectionTable = { [K in EventKind]: Projector<K> };

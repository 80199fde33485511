// Shared types for projection handlers: the context they run with and the handler signature.
import type { ModelPrice } from '../../config/schema';
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';
import type { DeferredPricing } from './usage';

export interface ProjectionContext {
  pricing: Record<string, ModelPrice>;
  /** Set by batch writers: cost settling and rate learning wait for the batch's end (see usage.ts). */
  deferred?: DeferredPricing;
}

export type Handler = (db: Ledger, ev: StoredEvent, ctx: ProjectionContext) => void;

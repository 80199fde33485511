// Shared types for projection handlers: the context they run with and the handler signature.
import type { ModelPrice } from '../../config/schema';
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';

export interface ProjectionContext {
  pricing: Record<string, ModelPrice>;
}

export type Handler = (db: Ledger, ev: StoredEvent, ctx: ProjectionContext) => void;

// What the importer's two threads share (./prefetch.ts, ./reader-worker.ts): the slots of a shared
// Int32Array, how far ahead the reading thread may run, and the message it posts per session.
import type { SessionReads } from './session-reads';

/** Slots: plans taken by the main thread, posted by the thread, files it read, its failure, the next plan unclaimed. */
export const TAKEN = 0;
export const POSTED = 1;
export const BEAT = 2;
export const FAILED = 3;
export const CLAIM = 4;
export const SLOTS = 5;

/** The thread reads at most this many bytes of transcript ahead of the session being written. */
export const AHEAD_BYTES = 64 * 1024 * 1024;

/** A message from the thread: the reads of plans[i], or why it could not make them. */
export interface ReadsMessage {
  i: number;
  reads?: SessionReads;
  error?: string;
}

// What the importer's two threads share (./prefetch.ts, ./reader-worker.ts): the slots of a shared
// Int32Array, how far ahead the reading thread may run, and the message it posts per session.
import type { SessionReads } from './session-reads';

/** Plans taken by the main thread (it reads or waits for each in turn). */
export const TAKEN = 0;
/** Messages posted by the thread. */
export const POSTED = 1;
/** Files the thread read: it is alive and moving. */
export const BEAT = 2;
/** The thread failed: whatever it has not posted is read on the spot. */
export const FAILED = 3;
/** The next plan neither thread claimed. */
export const CLAIM = 4;
/** Bumped by the main thread whenever it has news for the thread (a plan taken, a checkpoint asked, stop). */
export const WAKE = 5;
/** Checkpoints asked by the main thread, and the last one the thread made. */
export const CHECKPOINT_ASKED = 6;
export const CHECKPOINT_DONE = 7;
/** The thread could not checkpoint: the main thread does it itself. */
export const CHECKPOINT_FAILED = 8;
/** The thread's ledger connection: 0 none yet, 1 opened (or opening), 2 refused (the main thread stopped first). */
export const CONNECTION = 9;
/** Set by the main thread when it is done; the thread then closes its connection and sets CLOSED. */
export const STOP = 10;
export const CLOSED = 11;
export const SLOTS = 12;

/** The thread reads at most this many bytes of transcript ahead of the session being written. */
export const AHEAD_BYTES = 64 * 1024 * 1024;

/** A message from the thread: the reads of plans[i], or why it could not make them. */
export interface ReadsMessage {
  i: number;
  reads?: SessionReads;
  error?: string;
}

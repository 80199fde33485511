// The importer's second core: a worker thread reads and parses the sessions' transcripts
// (./session-reads.ts) ahead of the main thread, which meanwhile writes the ledger, each session
// in turn inside its batch's transaction. Reading was about half of an import's time and writing
// the other half, so on two cores this takes a third or more off the wall time (measured on
// `npm run bench:import`).
//
// The thread also checkpoints the ledger's WAL after each batch the main thread commits, on a
// connection of its own: the copy of each batch's pages into the database file (and its fsyncs)
// was about a sixth of the main thread's writing, and a checkpoint runs beside a writer. The main
// connection's auto-checkpoint is off meanwhile; it checkpoints itself when the thread cannot, and
// once at the end, after the thread closed its connection (measured on `npm run bench:import`).
//
// The main thread stays synchronous: it takes each session's reads with receiveMessageOnPort,
// sleeping on a shared counter until the thread posts them. Each session is claimed by one side,
// in order: one the thread has not started when the main thread gets to it (while the thread
// starts up, say) the main thread reads itself rather than wait. Nothing here decides what is
// recorded: a read the thread did not make (a session claimed here, a session whose offsets moved
// since the plan, a thread that failed, stalled or never started) is made on the spot, exactly as
// without the thread.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { PrivacyMode } from '../runtime/privacy/redact';
import {
  BEAT,
  CHECKPOINT_ASKED,
  CHECKPOINT_FAILED,
  CLAIM,
  CLOSED,
  CONNECTION,
  FAILED,
  POSTED,
  type ReadsMessage,
  SLOTS,
  STOP,
  TAKEN,
  WAKE,
} from './reader-protocol';
import type { ReadPlan, SessionReads } from './session-reads';

/** A thread that read no file for this long is given up on; the rest is read on the spot. */
const STALL_MS = 10_000;

/** How long stop() waits for a checkpoint under way to end and the thread's connection to close. */
const CLOSE_WAIT_MS = 10_000;

/** The worker's bundle, beside this one in dist/ (absent when the sources run as they are, e.g. under vitest). */
const WORKER_FILE = join(__dirname, 'import-reader.cjs');

export interface Prefetch {
  /** The reads of plans[i], or undefined: read that session on the spot. Plans are taken in order. */
  take(i: number): SessionReads | undefined;
  /** Asks the thread to checkpoint the ledger (after a commit); false when it cannot: checkpoint here. */
  checkpoint(): boolean;
  /** Ends the thread, after it closed its ledger connection (bounded wait). */
  stop(): void;
}

export interface PrefetchOptions {
  /** The worker's bundle (default: dist/import-reader.cjs beside this bundle). */
  workerFile?: string;
  /** Whether take() reads a session itself when the thread has not started it (default); false waits for the thread. */
  claim?: boolean;
  /** The ledger's file, for the thread's checkpoints (none without it). */
  ledger?: string;
}

/** Starts the reading thread on the plans; undefined (read everything on the spot) where it cannot help or start. */
export function startPrefetch(plans: ReadPlan[], privacy: PrivacyMode, opts: PrefetchOptions = {}): Prefetch | undefined {
  const file = opts.workerFile ?? WORKER_FILE;
  if (plans.length === 0 || availableParallelism() < 2 || !existsSync(file)) return undefined;
  const state = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(file, { workerData: { plans, privacy, state, port: port2, ledger: opts.ledger }, transferList: [port2], stdout: true, stderr: true });
  } catch {
    port1.close();
    return undefined;
  }
  // Never what keeps the process alive, never an unhandled error: the state says how it went.
  worker.unref();
  worker.on('error', () => Atomics.store(state, FAILED, 1));
  let next = 0;
  let dead = false;
  const wake = () => {
    Atomics.add(state, WAKE, 1);
    Atomics.notify(state, WAKE);
  };
  const stop = () => {
    if (dead) return;
    dead = true;
    Atomics.store(state, STOP, 1);
    wake();
    // A thread that opened a connection closes it first: the main connection must close last (the
    // last to close checkpoints what is left and removes the WAL). One that did not may no more.
    if (Atomics.compareExchange(state, CONNECTION, 0, 2) === 1) {
      const until = Date.now() + CLOSE_WAIT_MS;
      while (!Atomics.load(state, CLOSED) && Date.now() < until) Atomics.wait(state, CLOSED, 0, 50);
    }
    port1.close();
    void worker.terminate().catch(() => {});
  };
  return {
    take(i) {
      if (dead || i < next || i >= plans.length) return undefined;
      // Not started by the thread yet: read here (the thread moves on past it).
      if (opts.claim !== false && Atomics.compareExchange(state, CLAIM, i, i + 1) === i) {
        next = i + 1;
        Atomics.store(state, TAKEN, next);
        wake();
        return undefined;
      }
      let beat = Atomics.load(state, BEAT);
      let since = Date.now();
      for (;;) {
        const posted = Atomics.load(state, POSTED);
        const got = receiveMessageOnPort(port1);
        if (got) {
          const msg = got.message as ReadsMessage;
          next = msg.i + 1;
          Atomics.store(state, TAKEN, next);
          wake();
          if (msg.i < i) continue; // a session the importer did not ask for (none is skipped today)
          return msg.i === i ? msg.reads : undefined;
        }
        if (Atomics.load(state, FAILED)) break;
        if (Atomics.wait(state, POSTED, posted, 200) === 'timed-out') {
          const now = Atomics.load(state, BEAT);
          if (now !== beat) [beat, since] = [now, Date.now()];
          else if (Date.now() - since > STALL_MS) break;
        }
      }
      stop();
      return undefined;
    },
    checkpoint() {
      if (dead || !opts.ledger || Atomics.load(state, CHECKPOINT_FAILED) || Atomics.load(state, FAILED) || Atomics.load(state, CLOSED)) return false;
      Atomics.add(state, CHECKPOINT_ASKED, 1);
      wake();
      return true;
    },
    stop,
  };
}

// The importer's reading thread (dist/import-reader.cjs; see ./prefetch.ts): claims each planned
// session in order (skipping those the main thread claimed), reads it and posts its reads, staying
// at most AHEAD_BYTES of transcript ahead of the session the main thread is writing. Between two
// sessions, and once every session is read, it checkpoints the ledger's WAL when the main thread
// asks (after each batch it commits), on a connection of its own. It prints nothing.
import { type MessagePort, workerData } from 'node:worker_threads';
import { openDatabase, type SqliteDb } from '../ledger/driver';
import type { PrivacyMode } from '../runtime/privacy/redact';
import {
  AHEAD_BYTES,
  BEAT,
  CHECKPOINT_ASKED,
  CHECKPOINT_DONE,
  CHECKPOINT_FAILED,
  CLAIM,
  CLOSED,
  CONNECTION,
  FAILED,
  POSTED,
  type ReadsMessage,
  STOP,
  TAKEN,
  WAKE,
} from './reader-protocol';
import { type ReadPlan, readPlanned } from './session-reads';

const { plans, privacy, state, port, ledger } = workerData as { plans: ReadPlan[]; privacy: PrivacyMode; state: Int32Array; port: MessagePort; ledger?: string };

// Bytes of the plans before each one: what lies between the taken session and this one.
const before: number[] = [0];
for (const p of plans) before.push(before[before.length - 1]! + p.bytes);

let db: SqliteDb | undefined;

/** A PASSIVE checkpoint, what the main connection's auto-checkpoint would have run at its commit. */
function checkpointIfAsked(): void {
  const asked = Atomics.load(state, CHECKPOINT_ASKED);
  if (asked === Atomics.load(state, CHECKPOINT_DONE) || Atomics.load(state, CHECKPOINT_FAILED)) return;
  try {
    if (!db) {
      // Not once the main thread has stopped: its connection must be the last to close.
      if (!ledger || Atomics.compareExchange(state, CONNECTION, 0, 1) !== 0) throw new Error('no connection');
      db = openDatabase(ledger, { busyTimeoutMs: 1000 });
    }
    db.pragma('wal_checkpoint(PASSIVE)');
    Atomics.store(state, CHECKPOINT_DONE, asked);
  } catch {
    Atomics.store(state, CHECKPOINT_FAILED, 1);
  }
  Atomics.notify(state, CHECKPOINT_DONE);
}

const stopped = () => Atomics.load(state, STOP) !== 0;

try {
  while (!stopped()) {
    const wake = Atomics.load(state, WAKE);
    checkpointIfAsked();
    const i = Atomics.load(state, CLAIM);
    if (i >= plans.length) {
      // Every session read: wait for checkpoints to make, or the end.
      Atomics.wait(state, WAKE, wake, 1000);
      continue;
    }
    const taken = Atomics.load(state, TAKEN);
    if (i > taken && before[i]! - before[taken]! >= AHEAD_BYTES) {
      Atomics.wait(state, WAKE, wake, 1000);
      continue;
    }
    // The main thread may have claimed it meanwhile (it reads a session itself rather than wait).
    if (Atomics.compareExchange(state, CLAIM, i, i + 1) !== i) continue;
    let msg: ReadsMessage;
    try {
      msg = { i, reads: readPlanned(plans[i]!, privacy, () => Atomics.add(state, BEAT, 1)) };
    } catch (err) {
      // This session is read on the spot by the main thread, which meets (and reports) the same error.
      msg = { i, error: String(err) };
    }
    port.postMessage(msg);
    Atomics.add(state, POSTED, 1);
    Atomics.notify(state, POSTED);
  }
} catch {
  Atomics.store(state, FAILED, 1);
  Atomics.notify(state, POSTED);
} finally {
  try {
    db?.close();
  } catch {
    // the main connection checkpoints what is left
  }
  Atomics.store(state, CLOSED, 1);
  Atomics.notify(state, CLOSED);
}

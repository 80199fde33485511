// The importer's reading thread (dist/import-reader.cjs; see ./prefetch.ts): claims each planned
// session in order (skipping those the main thread claimed), reads it and posts its reads, staying
// at most AHEAD_BYTES of transcript ahead of the session the main thread is writing. It touches no
// ledger and prints nothing.
import { type MessagePort, workerData } from 'node:worker_threads';
import type { PrivacyMode } from '../runtime/privacy/redact';
import { AHEAD_BYTES, BEAT, CLAIM, FAILED, POSTED, type ReadsMessage, TAKEN } from './reader-protocol';
import { type ReadPlan, readPlanned } from './session-reads';

const { plans, privacy, state, port } = workerData as { plans: ReadPlan[]; privacy: PrivacyMode; state: Int32Array; port: MessagePort };

// Bytes of the plans before each one: what lies between the taken session and this one.
const before: number[] = [0];
for (const p of plans) before.push(before[before.length - 1]! + p.bytes);

try {
  for (;;) {
    const i = Atomics.load(state, CLAIM);
    if (i >= plans.length) break;
    const taken = Atomics.load(state, TAKEN);
    if (i > taken && before[i]! - before[taken]! >= AHEAD_BYTES) {
      Atomics.wait(state, TAKEN, taken, 1000);
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
}

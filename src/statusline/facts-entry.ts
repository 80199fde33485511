// dist/statusline-facts.cjs: the ledger side of the status line, loaded by dist/statusline.cjs
// only when its cache is stale or a new rate-limit snapshot must be recorded.
import { openLedger } from '../ledger/db';
import { gatherFacts as gatherFrom } from './facts';
import type { StatusInput } from './input';

export function gatherFacts(input: StatusInput, now: number) {
  const db = openLedger({ busyTimeoutMs: 1000 });
  try {
    return gatherFrom(db, input, now);
  } finally {
    db.close();
  }
}

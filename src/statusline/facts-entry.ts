// dist/statusline-facts.cjs: the ledger side of the status line, loaded by dist/statusline.cjs
// only when its cache cannot answer. It opens the ledger read-only unless the payload brings a
// snapshot not recorded yet: a write open checkpoints on close and so changes the ledger files,
// which would invalidate every session's cached line.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../ledger/db';
import { snapshotKey } from '../core/windows/rate-limits';
import { gatherFacts as gatherFrom } from './facts';
import type { StatusInput } from './input';
import { statuslineDir } from './run';

export function gatherFacts(input: StatusInput, now: number) {
  const keyFile = join(statuslineDir(process.env), 'last-snapshot');
  const key = snapshotKey(input.windows);
  let recorded: string | undefined;
  try {
    recorded = readFileSync(keyFile, 'utf8');
  } catch {
    recorded = undefined;
  }
  const write = input.windows.length > 0 && recorded !== key;
  const db = openLedger(write ? { busyTimeoutMs: 1000 } : { readonly: true, busyTimeoutMs: 1000 });
  try {
    const facts = gatherFrom(db, write ? input : { ...input, windows: [] }, now);
    if (write) {
      try {
        writeFileSync(`${keyFile}.${process.pid}.tmp`, key, { mode: 0o600 });
        renameSync(`${keyFile}.${process.pid}.tmp`, keyFile);
      } catch {
        // the next run records again (deduplicated by the ledger)
      }
    }
    return facts;
  } finally {
    db.close();
  }
}

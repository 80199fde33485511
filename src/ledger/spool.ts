// When the ledger cannot take an event (native module still installing, database locked or
// corrupt, disk full), the event goes to a spool file instead and is replayed into the ledger by
// the next hook that can write. One file per event, written then renamed, so a crash never
// leaves half an event behind and replays keep their original order and id.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spoolDir } from '../runtime/paths';

export interface SpooledEvent {
  uid: string;
  receivedAt: number;
  project: string;
  /** The hook input (already redacted), or the malformed text with the reason. */
  event?: unknown;
  malformed?: { reason: string; text: string };
  why: string;
}

export function spoolEvent(entry: Omit<SpooledEvent, 'uid'> & { uid?: string }, dir = spoolDir()): string {
  const uid = entry.uid ?? randomUUID();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `${String(entry.receivedAt).padStart(15, '0')}-${process.pid}-${uid.replace(/[^\w:-]/g, '_').slice(0, 120)}.json`;
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, JSON.stringify({ ...entry, uid }), { mode: 0o600 });
  renameSync(tmp, join(dir, name));
  return uid;
}

export function spooledFiles(dir = spoolDir()): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export function readSpooled(file: string): SpooledEvent | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SpooledEvent;
  } catch {
    return undefined;
  }
}

export function removeSpooled(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already replayed by another process
  }
}

/** Files that could not be parsed are moved aside, never deleted: doctor reports them. */
export function quarantine(file: string): void {
  try {
    renameSync(file, file.replace(/\.json$/, '.bad'));
  } catch {
    // gone already
  }
}

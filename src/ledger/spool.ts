// When the ledger cannot take an event (native module still installing, database locked or
// corrupt, disk full), the event goes to a spool file instead and is replayed into the ledger by
// the next hook that can write. One file per event, written then renamed, so a crash never
// leaves half an event behind and replays keep their original order and id.
// When the home itself cannot take a file (read-only, disk full), a private fallback directory
// under the system temp dir does; replays read both.
import { fastHash, newUid } from '../runtime/ids';
import { lstatSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { spoolDir, wardenHome } from '../runtime/paths';
import { readRegularFile, refuseSymlink } from '../runtime/safe-file';
import { waitingNames } from '../runtime/waiting-files';

export interface SpooledEvent {
  uid: string;
  receivedAt: number;
  project: string;
  /** The hook input (already redacted), or the malformed text with the reason. */
  event?: unknown;
  malformed?: { reason: string; text: string };
  why: string;
}

/** One per home and user, so tests and people with several homes never mix their spools. */
const fallbackDirs = new Map<string, string>();
export function fallbackSpoolDir(home = wardenHome()): string {
  let dir = fallbackDirs.get(home);
  if (dir === undefined) {
    const tag = fastHash(home).slice(0, 12);
    dir = join(tmpdir(), `agent-warden-${process.getuid?.() ?? 'user'}-${tag}`, 'spool');
    if (fallbackDirs.size > 16) fallbackDirs.clear();
    fallbackDirs.set(home, dir);
  }
  return dir;
}

/** Writes the event to the home's spool, else to the fallback; throws when neither can take it. */
export function spoolEvent(entry: Omit<SpooledEvent, 'uid'> & { uid?: string }, dir?: string): string {
  const uid = entry.uid ?? newUid();
  const name = `${String(entry.receivedAt).padStart(15, '0')}-${process.pid}-${uid.replace(/[^\w:-]/g, '_').slice(0, 120)}.json`;
  const text = JSON.stringify({ ...entry, uid });
  if (dir) {
    writeSpoolFile(dir, name, text);
    return uid;
  }
  try {
    writeSpoolFile(spoolDir(), name, text);
  } catch {
    const fallback = fallbackSpoolDir();
    ensurePrivateDir(fallback);
    writeSpoolFile(fallback, name, text);
  }
  return uid;
}

function writeSpoolFile(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  refuseSymlink(dir); // a planted link would send hook payloads wherever it points
  const tmp = join(dir, `.${name}.tmp`);
  try {
    // wx: O_EXCL never follows a symlink planted at the name.
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, join(dir, name));
  } catch (err) {
    removeSpooled(tmp); // a full disk leaves a partial file behind
    throw err;
  }
}

/** The temp dir is shared with other users: use a directory only if we own it and nobody else can enter. */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const d of [dirname(dir), dir]) {
    const st = lstatSync(d);
    const mine = process.getuid ? st.uid === process.getuid() : true;
    if (!st.isDirectory() || !mine || (st.mode & 0o077) !== 0) throw new Error(`${d} is not a private directory of this user; not spooling there`);
  }
}

/** Spooled events of both spools, oldest first (names start with the receive time). */
export function spooledFiles(dir?: string): string[] {
  const dirs = dir ? [dir] : [spoolDir(), fallbackSpoolDir()];
  return dirs.flatMap((d) => listJson(d, '.json')).sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
}

/** Spooled files that could not be parsed and were set aside. */
export function quarantinedFiles(): string[] {
  return [spoolDir(), fallbackSpoolDir()].flatMap((d) => listJson(d, '.bad'));
}

function listJson(dir: string, ext: string): string[] {
  return waitingNames(dir, (f) => f.endsWith(ext) && !f.startsWith('.')).map((f) => join(dir, f));
}

// Hook payloads are capped at 8 MB (see parseHookInput); a spooled one is that plus a little.
const MAX_SPOOLED_BYTES = 32 * 1024 * 1024;

export function readSpooled(file: string): SpooledEvent | undefined {
  try {
    return JSON.parse(readRegularFile(file, { maxBytes: MAX_SPOOLED_BYTES, noFollow: true })) as SpooledEvent;
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

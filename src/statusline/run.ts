// `agent-warden statusline`: Claude Code runs it on every status update with a JSON payload on
// stdin, so it must be fast and must never fail. The ledger part of the line (spend, budgets,
// agents, circuits) is kept in a small per-session cache that stays valid while the ledger files
// are unchanged (size and mtime of ledger.db and its WAL: every hook event writes there) and for at
// most CACHE_MAX_AGE_MS (time alone moves circuits and windows on); only a stale cache or a new
// rate-limit snapshot (which must be recorded) opens the ledger. The user's own status line, if
// install found one, runs with the same stdin and its first line is printed above ours.
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerPath, wardenHome } from '../runtime/paths';
import { snapshotKey } from '../core/windows/rate-limits';
import type { LineFacts } from './facts';
import { parseStatusInput, type StatusInput } from './input';
import { FALLBACK, renderLine, wantsColour } from './render';

/** The longest the ledger part of the line is reused while the ledger does not change. */
export const CACHE_MAX_AGE_MS = 30_000;
/** Reused this long whatever changed: while Claude Code streams it refreshes every ~300 ms, and hooks write the ledger at every tool call. */
export const CACHE_MIN_AGE_MS = 1_000;
const MAX_INPUT = 1 << 20;
const USER_TIMEOUT_MS = 2000;

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  now: number;
  isTty: boolean;
  /** Reads the ledger (and records the snapshot); loaded only when the cache cannot answer. */
  loadFacts: () => (input: StatusInput, now: number) => LineFacts;
}

export const statuslineDir = (env: NodeJS.ProcessEnv) => join(wardenHome(env), 'statusline');
export const userCommandFile = (env: NodeJS.ProcessEnv) => join(statuslineDir(env), 'user-command.json');

/** The whole output: at most two lines (the user's own status line, then ours). Never throws. */
export function runStatusline(text: string, o: RunOptions): string {
  let ours: string;
  try {
    ours = ourLine(text, o);
  } catch {
    ours = FALLBACK;
  }
  let theirs = '';
  try {
    theirs = userLine(text, o.env);
  } catch {
    // their command's failure is theirs; ours still shows
  }
  return theirs ? `${theirs}\n${ours}` : ours;
}

function ourLine(text: string, o: RunOptions): string {
  if (text.length > MAX_INPUT) throw new Error('status input too large');
  const input = parseStatusInput(text);
  const colour = wantsColour(o.env, o.isTty);
  const key = snapshotKey(input.windows);
  const file = input.sessionId ? join(statuslineDir(o.env), `${cacheName(input.sessionId)}.json`) : undefined;
  const ledger = () => ledgerSignature(o.env);
  let facts = file ? readCache(file, input.sessionId!, key, ledger(), o.now) : undefined;
  if (!facts) {
    try {
      facts = o.loadFacts()(input, o.now);
      if (file) writeCache(file, { at: o.now, session: input.sessionId!, key, ledger: ledger(), facts });
    } catch {
      facts = undefined; // the ledger is unavailable: the line still shows Claude's own figures
    }
  }
  return renderLine({ facts, costUsd: input.costUsd, windows: input.windows, now: o.now, colour });
}

interface CacheEntry {
  at: number;
  session: string;
  /** The rate-limit snapshot the facts were gathered with (a new one must be recorded). */
  key: string;
  /** The ledger files' sizes and mtimes then. */
  ledger: string;
  facts: LineFacts;
}

/** Session ids are UUIDs; anything else is hashed (FNV-1a: node:crypto costs ~10% of a start). */
function cacheName(sessionId: string): string {
  if (/^[A-Za-z0-9_-]{1,100}$/.test(sessionId)) return `s-${sessionId}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), 0x01000193) >>> 0;
  return `h-${h.toString(16)}-${sessionId.length}`;
}

function ledgerSignature(env: NodeJS.ProcessEnv): string {
  const db = ledgerPath(wardenHome(env));
  return [db, `${db}-wal`]
    .map((f) => {
      try {
        const st = statSync(f);
        // A read-only open creates an empty WAL (new mtime, no change of data): only its size counts then.
        return st.size === 0 ? '0' : `${st.size}:${st.mtimeMs}`;
      } catch {
        return '0'; // no file reads like an empty one
      }
    })
    .join('/');
}

function readCache(file: string, session: string, key: string, ledger: string, now: number): LineFacts | undefined {
  const text = readSmallFile(file, 256 * 1024);
  if (!text) return undefined;
  try {
    const c = JSON.parse(text) as CacheEntry;
    const age = typeof c.at === 'number' ? now - c.at : -1;
    const fresh = age >= 0 && (age < CACHE_MIN_AGE_MS || (age < CACHE_MAX_AGE_MS && c.ledger === ledger));
    return fresh && c.session === session && c.key === key ? c.facts : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, entry: CacheEntry): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs speed
  }
}

/** A regular file's text, bounded; undefined for anything else (no FIFO or device is ever opened). */
export function readSmallFile(file: string, max: number): string | undefined {
  try {
    if (!lstatSync(file).isFile()) return undefined;
    const fd = openSync(file, 'r');
    try {
      if (!fstatSync(fd).isFile()) return undefined;
      const buf = Buffer.alloc(max);
      const n = readSync(fd, buf, 0, max, 0);
      return n < max ? buf.toString('utf8', 0, n) : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The user's own status line (saved by `statusline install`), run with the same stdin. */
function userLine(text: string, env: NodeJS.ProcessEnv): string {
  const saved = readSmallFile(userCommandFile(env), 64 * 1024);
  if (!saved) return '';
  const { statusLine } = JSON.parse(saved) as { statusLine?: { command?: unknown } };
  const command = statusLine?.command;
  if (typeof command !== 'string' || !command.trim()) return '';
  // Loaded only when the user has a status line of their own: it costs every start otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync('/bin/sh', ['-c', command], { input: text, env, timeout: USER_TIMEOUT_MS, maxBuffer: 64 * 1024, encoding: 'utf8' });
  const first = (r.stdout ?? '').split('\n').find((l) => l.trim() !== '');
  return first ? first.slice(0, 500).trimEnd() : '';
}

/** stdin, bounded; empty when there is none. */
export function readStdin(max = MAX_INPUT + 1): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(0, buf, 0, buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((err as NodeJS.ErrnoException).code === 'EOF') break;
        throw err;
      }
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      total += n;
      if (total >= max) break;
    }
  } catch {
    // no stdin
  }
  return Buffer.concat(chunks).toString('utf8');
}

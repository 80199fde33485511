// `agent-warden statusline`: Claude Code runs it on every status update with a JSON payload on
// stdin, so it must be fast and must never fail. The ledger part of the line (spend, budgets,
// agents, circuits) is kept in a small per-session cache for a few seconds; only a stale cache or a
// new rate-limit snapshot (which must be recorded) opens the ledger. The user's own status line, if
// install found one, runs with the same stdin and its first line is printed above ours.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wardenHome } from '../runtime/paths';
import { snapshotKey } from '../windows/rate-limits';
import type { LineFacts } from './facts';
import { parseStatusInput, type StatusInput } from './input';
import { FALLBACK, renderLine, wantsColour } from './render';

/** How long the ledger part of the line is reused (Claude Code refreshes at most every ~300 ms). */
export const CACHE_TTL_MS = 3000;
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
  const file = input.sessionId ? join(statuslineDir(o.env), `${createHash('sha256').update(input.sessionId).digest('hex').slice(0, 20)}.json`) : undefined;
  let facts = file ? readCache(file, key, o.now) : undefined;
  if (!facts) {
    try {
      facts = o.loadFacts()(input, o.now);
      if (file) writeCache(file, { at: o.now, key, facts });
    } catch {
      facts = undefined; // the ledger is unavailable: the line still shows Claude's own figures
    }
  }
  return renderLine({ facts, costUsd: input.costUsd, windows: input.windows, now: o.now, colour });
}

interface CacheEntry {
  at: number;
  key: string;
  facts: LineFacts;
}

function readCache(file: string, key: string, now: number): LineFacts | undefined {
  const text = readSmallFile(file, 256 * 1024);
  if (!text) return undefined;
  try {
    const c = JSON.parse(text) as CacheEntry;
    return c.key === key && typeof c.at === 'number' && now - c.at >= 0 && now - c.at < CACHE_TTL_MS ? c.facts : undefined;
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

// A session's working folder and time span, from the first and last 64 KB of its main transcript:
// its events carry the folder as their project, and the span dates the session.
import { closeSync, constants, openSync, readSync } from 'node:fs';

export interface SessionFacts {
  cwd?: string;
  firstTs?: number;
  lastTs?: number;
}

/** The session's working folder and time span, from the transcript's first and last lines. */
export function sessionFacts(path: string, bytes: number): SessionFacts {
  const { head, tail } = readEnds(path, bytes, 64 * 1024);
  return { cwd: firstCwd(head), firstTs: firstTimestamp(head), lastTs: lastTimestamp(tail) };
}

// The ends are searched as bytes and only the few bytes of a match are decoded: most of 128 KB of
// every session would otherwise be turned into a string for three small lookups.
const CWD = /^"cwd":\s*"((?:[^"\\]|\\.){1,4096})"/;
const TIMESTAMP = /^"timestamp":\s*"([0-9T:.Z+-]{10,40})"/;

function firstCwd(head: Buffer): string | undefined {
  for (let at = head.indexOf('"cwd":'); at >= 0; at = head.indexOf('"cwd":', at + 1)) {
    const m = CWD.exec(head.toString('utf8', at, at + 17 * 1024));
    try {
      if (m) return JSON.parse(`"${m[1]}"`) as string;
    } catch {
      // An escape JSON does not know: not a path Claude Code wrote.
    }
  }
  return undefined;
}

function firstTimestamp(head: Buffer): number | undefined {
  for (let at = head.indexOf('"timestamp":'); at >= 0; at = head.indexOf('"timestamp":', at + 1)) {
    const t = timestampAt(head, at);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Searched from the end: the tail holds hundreds of timestamps, only the last valid one counts. */
function lastTimestamp(tail: Buffer): number | undefined {
  for (let at = tail.lastIndexOf('"timestamp":'); at >= 0; at = at > 0 ? tail.lastIndexOf('"timestamp":', at - 1) : -1) {
    const t = timestampAt(tail, at);
    if (t !== undefined) return t;
  }
  return undefined;
}

function timestampAt(bytes: Buffer, at: number): number | undefined {
  const m = TIMESTAMP.exec(bytes.toString('latin1', at, at + 128));
  const t = m ? Date.parse(m[1]!) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

// One buffer for every session's ends, read into and searched before the next session's: a fresh
// 128 KB for each cost more than the reads (this VM maps each new page in on first touch, ~10 us;
// measured 80-130 ms on the benchmark's 208 sessions, 10 ms reused).
let endsBuffer: Buffer | undefined;

/** The first and last `length` bytes of the file (one read when they overlap), as views of a buffer reused by the next call. */
function readEnds(path: string, size: number, length: number): { head: Buffer; tail: Buffer } {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!endsBuffer || endsBuffer.length < 2 * length) endsBuffer = Buffer.allocUnsafe(2 * length);
    const buf = endsBuffer.subarray(0, Math.min(size, 2 * length));
    if (size <= 2 * length) {
      const got = readSync(fd, buf, 0, buf.length, 0);
      return { head: buf.subarray(0, Math.min(got, length)), tail: buf.subarray(Math.max(0, got - length), got) };
    }
    const gotHead = readSync(fd, buf, 0, length, 0);
    const gotTail = readSync(fd, buf, length, length, size - length);
    return { head: buf.subarray(0, gotHead), tail: buf.subarray(length, length + gotTail) };
  } catch {
    return { head: Buffer.alloc(0), tail: Buffer.alloc(0) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// Transcripts are JSONL that Claude Code appends to while we read: take only the complete lines
// from an offset on, so a half-written last line waits for the next read. Hostile or just huge
// files must not wedge a hook: the file is opened non-blocking and only if it is a regular file,
// read in fixed chunks (memory stays bounded whatever its size), a line longer than
// MAX_LINE_BYTES is skipped and counted, and the offset always moves past what was read.
import { closeSync, readSync } from 'node:fs';
import { openRegular } from '../safe-file';

/** Lines longer than this are skipped (and counted): a usage line is a few KB. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface LineScan {
  /** Where the next read starts: past the last complete (or skipped) line. */
  offsetEnd: number;
  /** The file is shorter than the offset: it was replaced. */
  shrunk: boolean;
  /** Lines over MAX_LINE_BYTES that were skipped, not parsed. */
  skippedLines: number;
  /** Why nothing could be read (missing, not a regular file, a symlink loop), if so. */
  unreadable?: string;
}

export interface ScanOptions {
  /** At most this many bytes per call (the rest waits for the next one); default: no limit. */
  maxBytes?: number;
  maxLineBytes?: number;
}

/**
 * Calls `onLine` for each complete line from `offset` on, reading the file in bounded chunks. The
 * line comes as bytes (a view valid only during the call): callers decode just the lines they
 * parse, so the tool output that makes up most of a transcript is never turned into strings.
 */
export function scanLines(path: string, offset: number, onLine: (line: Buffer) => void, opts: ScanOptions = {}): LineScan {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  // A budget smaller than two lines could stop inside one line forever.
  const budget = Math.max(opts.maxBytes ?? Infinity, 2 * maxLine + CHUNK_BYTES);
  const out: LineScan = { offsetEnd: offset, shrunk: false, skippedLines: 0 };
  let file: { fd: number; size: number };
  try {
    file = openRegular(path);
  } catch (err) {
    out.unreadable = (err as Error).message;
    return out;
  }
  let chunk: Buffer | undefined;
  try {
    if (file.size < offset) {
      out.shrunk = true;
      return out;
    }
    const end = Math.min(file.size, offset + budget);
    chunk = takeChunk();
    let partial: Buffer[] = [];
    let partialBytes = 0;
    let skipping = false; // inside a line already over the limit
    let pos = offset;
    while (pos < end) {
      const got = readSync(file.fd, chunk, 0, Math.min(chunk.length, end - pos), pos);
      if (got <= 0) break;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl < 0 || nl >= got) {
          if (!skipping && got > start) {
            partialBytes += got - start;
            if (partialBytes > maxLine) {
              skipping = true;
              partial = [];
              partialBytes = 0;
            } else partial.push(Buffer.from(chunk.subarray(start, got)));
          }
          break;
        }
        if (skipping) {
          out.skippedLines++;
          skipping = false;
        } else if (partialBytes + (nl - start) > maxLine) {
          out.skippedLines++;
        } else {
          const piece = chunk.subarray(start, nl);
          onLine(partial.length ? Buffer.concat([...partial, piece]) : piece);
        }
        partial = [];
        partialBytes = 0;
        out.offsetEnd = pos + nl + 1;
        start = nl + 1;
      }
      pos += got;
    }
    // A giant line still being written: give up on it now instead of rescanning it on every
    // read; what follows it up to the next newline is a fragment that no parser accepts.
    if (skipping) {
      out.skippedLines++;
      out.offsetEnd = pos;
    }
    return out;
  } finally {
    closeSync(file.fd);
    if (chunk === spare) inUse = false;
  }
}

// One read buffer for every scan: an import reads thousands of files, and a fresh megabyte for
// each cost a page fault per 4 KB touched and garbage to collect. Lines are handed out as views
// valid only during their callback, so reusing it is safe; a scan started from inside another
// scan's callback (none does) would get a buffer of its own.
let spare: Buffer | undefined;
let inUse = false;

function takeChunk(): Buffer {
  if (inUse) return Buffer.allocUnsafe(CHUNK_BYTES);
  inUse = true;
  return (spare ??= Buffer.allocUnsafe(CHUNK_BYTES));
}

/**
 * A line handed to several readers in one pass: its bytes, the `"type"` values it holds, and its
 * JSON record parsed at most once, only when a reader asks (most lines are tool output no reader
 * needs). The record is undefined if the line is not JSON.
 */
export class JsonlLine {
  bytes: Buffer = Buffer.alloc(0);
  private rec: unknown;
  private parsed = false;
  private typeBits = -1;

  /** Reused for every line of a scan: the bytes are a view valid only during the call. */
  set(bytes: Buffer): this {
    this.bytes = bytes;
    this.parsed = false;
    this.rec = undefined;
    this.typeBits = -1;
    return this;
  }

  record(): any {
    if (!this.parsed) {
      this.parsed = true;
      try {
        this.rec = JSON.parse(this.bytes.toString('utf8'));
      } catch {
        this.rec = undefined;
      }
    }
    return this.rec;
  }

  /** The TYPE_* values some object of the line has as its `"type"` (see typeValues). */
  types(): number {
    if (this.typeBits < 0) this.typeBits = typeValues(this.bytes);
    return this.typeBits;
  }
}

export const TYPE_ASSISTANT = 1;
export const TYPE_COST_STATE = 2;
export const TYPE_TOOL_USE = 4;
export const TYPE_TOOL_RESULT = 8;

// By first letter: most `"type"` values in a line are none of these, and are told apart at once.
const TYPE_VALUES: Record<number, [Buffer, number][]> = {
  0x61: [[Buffer.from('assistant"'), TYPE_ASSISTANT]],
  0x63: [[Buffer.from('cost-state"'), TYPE_COST_STATE]],
  0x74: [
    [Buffer.from('tool_use"'), TYPE_TOOL_USE],
    [Buffer.from('tool_result"'), TYPE_TOOL_RESULT],
  ],
};

/**
 * Which of the record types the readers want appear as a `"type"` value anywhere in the line, in
 * one search through it: an assistant message, Claude Code's cost-state, a tool_use or tool_result
 * block. Each needs a `"type"` key with that string value, which raw JSON can only spell as the
 * key, optional blanks, a colon, optional blanks and the quoted value (escaped spellings are not
 * Claude Code's and are not looked for). A hit only means the line is parsed: the record decides.
 * The search is for `ype"`: a first byte rarer in JSON than a quote makes it several times faster.
 * The needle is a Buffer: a string one is encoded to UTF-8 again on every call, and a transcript
 * holds about one `"type"` key per 300 bytes (a third of this search's time, measured).
 */
export function typeValues(bytes: Buffer): number {
  let bits = 0;
  for (let at = bytes.indexOf(YPE); at >= 0; at = bytes.indexOf(YPE, at + 4)) {
    if (at < 2 || bytes[at - 1] !== 0x74 || bytes[at - 2] !== 0x22) continue; // not `"type"`
    let i = at + 4;
    while (isBlank(bytes[i])) i++;
    if (bytes[i++] !== 0x3a) continue; // :
    while (isBlank(bytes[i])) i++;
    if (bytes[i++] !== 0x22) continue; // "
    const candidates = TYPE_VALUES[bytes[i]!];
    if (candidates) for (const [value, bit] of candidates) if (startsWith(bytes, i, value)) bits |= bit;
  }
  return bits;
}

const YPE = Buffer.from('ype"');

/** A short comparison in place: no native call for each of the many `"type"` keys of a line. */
function startsWith(bytes: Buffer, at: number, value: Buffer): boolean {
  if (at + value.length > bytes.length) return false;
  for (let k = 0; k < value.length; k++) if (bytes[at + k] !== value[k]) return false;
  return true;
}

const isBlank = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

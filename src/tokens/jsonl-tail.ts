// Transcripts are JSONL that Claude Code appends to while we read: take only the complete lines
// from an offset on, so a half-written last line waits for the next read. Hostile or just huge
// files must not wedge a hook: the file is opened non-blocking and only if it is a regular file,
// read in fixed chunks (memory stays bounded whatever its size), a line longer than
// MAX_LINE_BYTES is skipped and counted, and the offset always moves past what was read.
import { closeSync, readSync } from 'node:fs';
import { openRegular } from '../runtime/safe-file';

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
  try {
    if (file.size < offset) {
      out.shrunk = true;
      return out;
    }
    const end = Math.min(file.size, offset + budget);
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, end - offset)));
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
  }
}

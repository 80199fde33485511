// Transcripts are JSONL that Claude Code appends to while we read: take only the complete lines
// from an offset on, so a half-written last line waits for the next read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type Tail =
  /** Complete new lines, and where the next read starts. */
  | { text: string; offsetEnd: number }
  /** The file is shorter than the offset: it was replaced. */
  | 'shrunk'
  /** Nothing new (or nothing readable: missing, not a regular file, no complete line yet). */
  | undefined;

export function readNewLines(path: string, offset: number, maxBytes = 64 * 1024 * 1024): Tail {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined; // a directory or device named as the transcript
    if (stat.size < offset) return 'shrunk';
    if (stat.size === offset) return undefined;
    const length = Math.min(stat.size - offset, maxBytes);
    const buf = Buffer.allocUnsafe(length);
    const got = readSync(fd, buf, 0, length, offset);
    const lastNewline = buf.lastIndexOf(0x0a, got - 1);
    if (lastNewline < 0) return undefined;
    return { text: buf.toString('utf8', 0, lastNewline), offsetEnd: offset + lastNewline + 1 };
  } finally {
    closeSync(fd);
  }
}

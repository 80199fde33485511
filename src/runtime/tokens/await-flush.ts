// Claude Code appends the assistant message that makes a tool call to the transcript around the
// time PreToolUse fires, not always before it (its writes are queued; seen under load, for the main
// thread and for subagents alike). A decision on spend must include that message, so the hook
// waits briefly until the call's own id is in the file's tail. Bounded: a file that never shows
// the id (a rewritten transcript, a huge tail) costs at most FLUSH_WAIT_MS, then the decision goes
// on with what is there.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { sleepSync } from '../sleep';

const FLUSH_WAIT_MS = 400;
const POLL_MS = 15;
const TAIL_BYTES = 256 * 1024;

export function awaitCallFlushed(path: string, toolUseId: string, waitMs = FLUSH_WAIT_MS): void {
  const deadline = Date.now() + waitMs;
  while (!tailHas(path, toolUseId) && Date.now() < deadline) sleepSync(POLL_MS);
}

function tailHas(path: string, needle: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return false;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return true; // nothing to wait for
    const length = Math.min(st.size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    const got = readSync(fd, buf, 0, length, st.size - length);
    return buf.subarray(0, got).includes(needle);
  } finally {
    closeSync(fd);
  }
}

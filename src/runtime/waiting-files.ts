// The names in a folder that is nearly always empty (the spool, the inbox) and is looked at on
// every event. A readdir per tool call, and the exception a missing folder throws, were a share of
// the resident server's work per call (issue 20); a stat says when nothing can have changed. A
// folder's mtime moves whenever an entry is added, removed or renamed, but on a coarse clock two
// changes a few milliseconds apart can share one value: a folder is only taken as unchanged once
// its mtime is older than SETTLED_MS, so an entry made just after a listing is never skipped.
import { readdirSync, statSync } from 'node:fs';

const SETTLED_MS = 2000;
const nothingThere = new Map<string, string>();

/** Names in `dir` that `wanted` keeps; [] when the folder is missing or unreadable. */
export function waitingNames(dir: string, wanted: (name: string) => boolean, now = Date.now()): string[] {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) return [];
  const signature = `${st.ino}:${st.mtimeMs}:${st.ctimeMs}`;
  if (nothingThere.get(dir) === signature) return [];
  let names: string[];
  try {
    names = readdirSync(dir).filter(wanted);
  } catch {
    return [];
  }
  if (names.length === 0 && now - st.mtimeMs > SETTLED_MS && now - st.ctimeMs > SETTLED_MS) nothingThere.set(dir, signature);
  else nothingThere.delete(dir);
  if (nothingThere.size > 64) nothingThere.clear(); // a process sees a handful of folders
  return names;
}

// The inbox: hook inputs that hooks/session-event.sh wrote to a file instead of starting Node on the
// session's critical path (SessionStart when it has nothing to tell the model, SessionEnd always;
// issue 20), and that hooks/command-or-resident.sh wrote for an event whose answer is always empty
// while the resident server had not announced itself (a session's first prompt). Each file is the project dir on its first line, then the payload as Claude Code sent
// it, and a final newline. Whoever opens the ledger next records them, oldest first and before its own event: every
// hook (resident or command), the detached drain that a session end starts, and the CLI before a
// report. The file's time is the time received; its name (with a hash of its text) is the event's
// id, so two processes draining at once record it once. A file is removed only once recorded.
import { lstatSync, renameSync, unlinkSync } from 'node:fs';
import { waitingNames } from '../runtime/waiting-files';
import { join } from 'node:path';
import type { HookOutput } from '../core/handle-event';
import type { Ledger } from '../ledger/db';
import { fastHash } from '../runtime/ids';
import { errorText, trace } from '../runtime/log';
import { inboxDir } from '../runtime/paths';
import { readRegularFile } from '../runtime/safe-file';
import type { loadConfig } from '../runtime/config/load';

/** The shape of ./ingest.ts's ingestHookInput, passed in (ingest calls this module: no import cycle). */
type Ingest = (
  text: string,
  opts: { now?: number; env?: NodeJS.ProcessEnv; db?: Ledger; uid?: string; drainInbox?: boolean; loadConfig?: (project: string) => ReturnType<typeof loadConfig> },
) => HookOutput | undefined;

/** Above the hook input limit (8 MB, ./wire.ts), which records a bigger payload as malformed; a bigger file is set aside. */
const MAX_BYTES = 9 * 1024 * 1024;

/** A file without its final newline this recent is taken to be still being written. */
const WRITING_MS = 10_000;

interface Waiting {
  file: string;
  name: string;
  at: number;
}

function waiting(dir: string): Waiting[] {
  const out: Waiting[] = [];
  for (const name of waitingNames(dir, (n) => !n.startsWith('.') && n.endsWith('.json'))) {
    const file = join(dir, name);
    try {
      const st = lstatSync(file);
      if (st.isFile()) out.push({ file, name, at: Math.floor(st.mtimeMs) });
    } catch {
      // taken in by another process meanwhile
    }
  }
  return out.sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A waiting file's event: its payload, id, and the environment it is recorded with (its project). */
function eventOf(w: Waiting, text: string, env: NodeJS.ProcessEnv): { payload: string; uid: string; env: NodeJS.ProcessEnv } {
  const nl = text.indexOf('\n');
  const project = nl >= 0 ? text.slice(0, nl) : '';
  const payload = nl >= 0 ? text.slice(nl + 1) : text;
  const eventEnv = { ...env };
  if (project) eventEnv.CLAUDE_PROJECT_DIR = project;
  else delete eventEnv.CLAUDE_PROJECT_DIR;
  return { payload, uid: `inbox:${w.name.slice(0, -'.json'.length)}:${fastHash(payload)}`, env: eventEnv };
}

/** hooks/session-event.sh ends every file with a newline: a recent one without it may still be being written. */
const stillWriting = (w: Waiting, text: string) => !text.endsWith('\n') && Date.now() - w.at < WRITING_MS;

/** Records every waiting file into `db`; returns how many were taken in. */
export function drainInbox(db: Ledger, opts: { env?: NodeJS.ProcessEnv; loadConfig?: (project: string) => ReturnType<typeof loadConfig>; ingest: Ingest }): number {
  const env = opts.env ?? process.env;
  const dir = inboxDir();
  const files = waiting(dir);
  if (!files.length) return 0;
  try {
    if (lstatSync(dir).isSymbolicLink()) {
      trace(`${dir} is a symlink; its files are not read (agent-warden keeps its state there)`);
      return 0;
    }
  } catch {
    return 0;
  }
  const seen = db.prepare('SELECT 1 FROM events WHERE uid = ?');
  let done = 0;
  for (const w of files) {
    let text: string;
    try {
      text = readRegularFile(w.file, { maxBytes: MAX_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process took it in
      trace(`inbox: ${w.name} not read (${errorText(err)}); set aside as .bad`);
      try {
        renameSync(w.file, `${w.file}.bad`);
      } catch {
        // gone meanwhile
      }
      continue;
    }
    if (stillWriting(w, text)) continue;
    const event = eventOf(w, text, env);
    try {
      if (!seen.get(event.uid)) {
        // ingest never throws; a ledger that fails here spools the event, which is as safe.
        opts.ingest(event.payload, { now: w.at, env: event.env, db, uid: event.uid, drainInbox: false, loadConfig: opts.loadConfig });
      }
      unlinkSync(w.file);
      done++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      trace(`inbox: ${w.name} not taken in (${errorText(err)}); left for the next hook`);
      break;
    }
  }
  return done;
}

/**
 * Where the ledger cannot be opened (the native module still installing, say), what waits in the
 * inbox moves to the spool, each event with its own time, so the spool's replay puts it in order
 * with the events spooled after it. `spool` returns false when it could not take one: it stays.
 */
export function spoolInbox(spool: (payload: string, o: { now: number; env: NodeJS.ProcessEnv; uid: string }) => boolean, env: NodeJS.ProcessEnv = process.env): number {
  const dir = inboxDir();
  const files = waiting(dir);
  if (!files.length) return 0;
  try {
    if (lstatSync(dir).isSymbolicLink()) return 0;
  } catch {
    return 0;
  }
  let done = 0;
  for (const w of files) {
    let text: string;
    try {
      text = readRegularFile(w.file, { maxBytes: MAX_BYTES });
    } catch {
      continue; // gone, or left for a drain to set aside
    }
    if (stillWriting(w, text)) continue;
    const event = eventOf(w, text, env);
    if (!spool(event.payload, { now: w.at, env: event.env, uid: event.uid })) break;
    try {
      unlinkSync(w.file);
      done++;
    } catch {
      // taken in meanwhile: the replay records it once (same id)
    }
  }
  return done;
}

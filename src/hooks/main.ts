// The command hook: one process per event. Reads stdin, prints one JSON object (or nothing),
// always exits 0 — a bug in agent-warden must never break the user's session.
import { readFileSync, writeSync } from 'node:fs';
import { errorText, trace } from '../runtime/log';
import { drainInboxNow, ingestHookInput } from './ingest';

function answerHook(): void {
  let text = '';
  try {
    text = readFileSync(0, 'utf8');
  } catch {
    // no stdin: handled below as empty input
  }
  const out = ingestHookInput(text);
  if (out) writeAll(JSON.stringify(out));
}

/** stdout written synchronously (a pipe may be asynchronous in Node), so process.exit loses nothing. */
function writeAll(text: string): void {
  const buf = Buffer.from(text);
  for (let at = 0; at < buf.length; ) {
    try {
      at += writeSync(1, buf, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

try {
  // `--drain-inbox`: started detached by hooks/session-event.sh at a session's end; no stdin, no answer.
  if (process.argv[2] === '--drain-inbox') drainInboxNow();
  else answerHook();
} catch (err) {
  trace(`internal error: ${errorText(err)} (please report it)`);
}
// Exit now, without Node's teardown (the ledger is closed already; issue 20).
process.exit(0);

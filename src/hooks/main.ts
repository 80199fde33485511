// The command hook: one process per event. Reads stdin, prints one JSON object (or nothing),
// always exits 0 — a bug in agent-warden must never break the user's session.
import { readFileSync } from 'node:fs';
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
  if (out) process.stdout.write(JSON.stringify(out));
}

try {
  // `--drain-inbox`: started detached by hooks/session-event.sh at a session's end; no stdin, no answer.
  if (process.argv[2] === '--drain-inbox') drainInboxNow();
  else answerHook();
} catch (err) {
  trace(`internal error: ${errorText(err)} (please report it)`);
}
process.exitCode = 0;

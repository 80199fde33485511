// The command hook: one process per event. Reads stdin, prints one JSON object (or nothing),
// always exits 0 — a bug in agent-warden must never break the user's session.
import { readFileSync } from 'node:fs';
import { errorText, trace } from '../runtime/log';
import { ingestHookInput } from './ingest';

let text = '';
try {
  text = readFileSync(0, 'utf8');
} catch {
  // no stdin: handled below as empty input
}
try {
  const out = ingestHookInput(text);
  if (out) process.stdout.write(JSON.stringify(out));
} catch (err) {
  trace(`internal error: ${errorText(err)} (please report it)`);
}
process.exitCode = 0;

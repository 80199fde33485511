// The command hook: one process per event. Reads stdin, prints one JSON object (or nothing),
// always exits 0 — a bug in agent-warden must never break the user's session. The one exception:
// `--async`, the fallback Claude Code does not wait for (plain tool calls while the resident server
// is not running, see src/server/hooks-manifest.ts). Its answer cannot stop the call any more, so a
// denial is said on stderr with exit 2, which `asyncRewake` hands to the model.
import { readFileSync, writeSync } from 'node:fs';
import { errorText, trace } from '../runtime/log';
import { drainInboxNow, ingestHookInput } from './ingest';

function answerHook(background: boolean): number {
  let text = '';
  try {
    text = readFileSync(0, 'utf8');
  } catch {
    // no stdin: handled below as empty input
  }
  const out = ingestHookInput(text);
  if (!background) {
    if (out) writeAll(JSON.stringify(out));
    return 0;
  }
  const decided = out?.hookSpecificOutput as { permissionDecision?: string; permissionDecisionReason?: string } | undefined;
  if (decided?.permissionDecision !== 'deny' && decided?.permissionDecision !== 'ask') return 0;
  writeAll(lateDenial(decided.permissionDecisionReason ?? 'agent-warden: this call was over a limit'), 2);
  return 2;
}

/** What the model reads when a call it already made should have been stopped. */
export function lateDenial(reason: string): string {
  return `${reason}\n(agent-warden's server was not running, so this call went ahead; it is recorded. Treat it as refused; /mcp reconnects the server.)`;
}

/** stdout written synchronously (a pipe may be asynchronous in Node), so process.exit loses nothing. */
function writeAll(text: string, fd = 1): void {
  const buf = Buffer.from(text);
  for (let at = 0; at < buf.length; ) {
    try {
      at += writeSync(fd, buf, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

let code = 0;
try {
  // `--drain-inbox`: started detached by hooks/session-event.sh at a session's end; no stdin, no answer.
  if (process.argv[2] === '--drain-inbox') drainInboxNow();
  else code = answerHook(process.argv[2] === '--async');
} catch (err) {
  trace(`internal error: ${errorText(err)} (please report it)`);
}
// Exit now, without Node's teardown (the ledger is closed already; issue 20).
process.exit(code);

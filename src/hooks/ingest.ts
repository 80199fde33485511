// The path every hook input takes, whichever adapter brought it: parse, open the ledger, replay
// anything spooled, record and decide. Nothing here may throw at the caller or lose the event:
// on any failure the event is spooled, one line goes to stderr, and the user's call goes on.
import { loadConfig, formatProblem } from '../config/load';
import type { Config } from '../config/schema';
import { isBusy, NativeMissingError, openLedger, type Ledger } from '../ledger/db';
import { appendEvent } from '../ledger/events';
import { project as projectEvent } from '../ledger/project';
import { quarantine, readSpooled, removeSpooled, spooledFiles, spoolEvent } from '../ledger/spool';
import { redact, redactText } from '../privacy/redact';
import { errorText, trace } from '../runtime/log';
import { projectOf } from '../runtime/paths';
import { startBootstrap } from '../runtime/bootstrap';
import { handleHookEvent, eventUid, type HookOutput } from './handle';
import { defaultPolicies } from './policies';
import { rememberPluginRoot } from '../statusline/plugin-root';
import { sessionIndex } from './session-context';
import { countPromptTokensLater, startCuratorWatcher } from './background';
import { parseHookInput, type WireEvent } from './wire';

export interface IngestOptions {
  now?: number;
  env?: NodeJS.ProcessEnv;
  source?: 'command' | 'mcp';
  /** An open ledger to reuse (the resident server keeps one); otherwise opened and closed here. */
  db?: Ledger;
  maxSpoolReplay?: number;
}

export function ingestHookInput(text: string, opts: IngestOptions = {}): HookOutput | undefined {
  const now = opts.now ?? Date.now();
  const env = opts.env ?? process.env;
  const parsed = parseHookInput(text);
  const cwd = parsed.ok ? parsed.event.cwd : undefined;
  const project = projectOf(cwd, env);
  const { config, problems } = loadConfig(project);
  for (const p of problems) if (parsed.ok && parsed.event.hook_event_name === 'SessionStart') trace(`config: ${formatProblem(p)}`);
  const uid = parsed.ok ? eventUid(parsed.event) : undefined;

  let db = opts.db;
  try {
    db ??= openLedger({ busyTimeoutMs: busyTimeoutFor(parsed) });
  } catch (err) {
    const why = err instanceof NativeMissingError ? 'native module missing' : errorText(err);
    spoolInput(parsed, text, { uid, now, project, config, why });
    if (err instanceof NativeMissingError) startBootstrap(env);
    trace(`ledger unavailable (${why}); event spooled for later`);
    return failClosed(config, parsed, why);
  }
  try {
    replaySpool(db, config, opts.maxSpoolReplay ?? 500);
    if (!parsed.ok) {
      trace(`ignored bad hook input: ${safeReason(parsed.reason)}`);
      storeMalformed(db, config, { reason: safeReason(parsed.reason), text, now, project, sessionId: parsed.sessionId });
      return undefined;
    }
    const out = handleHookEvent(
      { db, config, project, now, source: opts.source ?? 'command', policies: defaultPolicies, sessionContext: sessionIndex },
      parsed.event,
      { uid },
    );
    if (parsed.event.hook_event_name === 'SessionStart') {
      startCuratorWatcher(config, project, env);
      rememberPluginRoot(env);
    }
    if (parsed.event.hook_event_name === 'SessionEnd') countPromptTokensLater(db, parsed.event.session_id, project, env);
    if (problems.length && parsed.event.hook_event_name === 'SessionStart') {
      return { ...out, systemMessage: `agent-warden: configuration problems (logging continues):\n${problems.map(formatProblem).join('\n')}` };
    }
    return out;
  } catch (err) {
    spoolInput(parsed, text, { uid, now, project, config, why: errorText(err) });
    trace(`could not record ${parsed.ok ? parsed.event.hook_event_name : 'input'} (${errorText(err)}); event spooled for later`);
    return failClosed(config, parsed, errorText(err));
  } finally {
    if (!opts.db) db.close();
  }
}

/** Claude Code kills a hook at its timeout (10 s; SessionEnd 2 s): wait for a held lock well short of it, then spool. */
function busyTimeoutFor(parsed: ReturnType<typeof parseHookInput>): number {
  return parsed.ok && parsed.event.hook_event_name === 'SessionEnd' ? 800 : 4000;
}

function spoolInput(parsed: ReturnType<typeof parseHookInput>, text: string, o: { uid?: string; now: number; project: string; config: Config; why: string }): void {
  try {
    if (parsed.ok) spoolEvent({ uid: o.uid, receivedAt: o.now, project: o.project, event: redact(parsed.event, o.config.privacy), why: o.why });
    else spoolEvent({ receivedAt: o.now, project: o.project, malformed: { reason: safeReason(parsed.reason), text: malformedText(text, o.config) }, why: o.why });
  } catch (err) {
    trace(`could not spool the event either (${errorText(err)}); it is lost`);
  }
}

/** Users who want enforcement to hold when agent-warden itself fails opt into `fail_closed`. */
function failClosed(config: Config, parsed: ReturnType<typeof parseHookInput>, why: string): HookOutput | undefined {
  if (!config.fail_closed || !parsed.ok || parsed.event.hook_event_name !== 'PreToolUse') return undefined;
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: `agent-warden: cannot check budgets and breakers right now (${why}), and fail_closed is on. Run \`agent-warden doctor\`; set "fail_closed": false in ~/.claude/agent-warden/config.json to let calls through meanwhile.`,
    },
  };
}

// JSON.parse quotes a piece of the input in its message (`"sk-proj-Ab"... is not valid JSON`):
// the log and the ledger get the reason without it.
const safeReason = (reason: string) => redactText(reason.replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON/, 'is not valid JSON'));

// Redact a little past the cut, then cut: a secret straddling the cut is masked, not half-kept.
const malformedText = (text: string, config: Config) =>
  config.privacy === 'metadata' ? `[${text.length} chars]` : redactText(text.slice(0, 66 * 1024)).slice(0, 64 * 1024);

function storeMalformed(db: Ledger, config: Config, m: { reason: string; text: string; now: number; project: string; sessionId?: string; uid?: string }): void {
  const ev = appendEvent(db, {
    uid: m.uid,
    kind: 'malformed',
    receivedAt: m.now,
    sessionId: m.sessionId,
    project: m.project,
    source: 'command',
    payload: { reason: m.reason, bytes: m.text.length, text: malformedText(m.text, config) },
  });
  if (ev) projectEvent(db, ev, { pricing: config.pricing });
}

/** Errors that come from the entry itself, not from the ledger's state (disk, lock, corruption). */
function isRefusedEntry(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return !code.startsWith('SQLITE_') || code.startsWith('SQLITE_CONSTRAINT') || code.startsWith('SQLITE_TOOBIG') || code.startsWith('SQLITE_MISMATCH');
}

/** Replays spooled events, oldest first; decisions are not re-made for calls already past. */
export function replaySpool(db: Ledger, config: Config, max: number): number {
  let done = 0;
  for (const file of spooledFiles()) {
    if (done >= max) break;
    const entry = readSpooled(file);
    if (!entry) {
      quarantine(file);
      continue;
    }
    try {
      if (entry.malformed) {
        storeMalformed(db, config, { reason: entry.malformed.reason, text: entry.malformed.text, now: entry.receivedAt, project: entry.project, uid: entry.uid });
      } else if (entry.event) {
        const { config: projectConfig } = loadConfig(entry.project);
        handleHookEvent(
          { db, config: projectConfig, project: entry.project, now: entry.receivedAt, source: 'spool', policies: [] },
          entry.event as WireEvent,
          { uid: entry.uid, receivedAt: entry.receivedAt },
        );
      }
    } catch (err) {
      // A locked or failing ledger stops the replay (the caller spools); an entry the ledger
      // refuses on its own is set aside, so one poison event cannot send every later one to the spool.
      if (isBusy(err) || !isRefusedEntry(err)) throw err;
      trace(`spooled event ${entry.uid} cannot be recorded (${errorText(err)}); set aside as .bad`, { stderr: false });
      quarantine(file);
      continue;
    }
    removeSpooled(file);
    done++;
  }
  return done;
}

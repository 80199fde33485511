// The path every hook input takes, whichever adapter brought it: parse, open the ledger, replay
// anything spooled, record and decide. Nothing here may throw at the caller or lose the event:
// on any failure the event is spooled, one line goes to stderr, and the user's call goes on.
import { loadConfig, formatProblem } from '../runtime/config/load';
import { configAnnouncement } from '../runtime/config/announce';
import type { Config } from '../runtime/config/schema';
import { NativeMissingError, openLedger, type Ledger } from '../ledger/db';
import { isCorruption, moveAsideOpened } from '../ledger/corrupt';
import { removeSpooled, spoolEvent } from '../ledger/spool';
import { boundDepth, redact, redactText } from '../runtime/privacy/redact';
import { errorText, trace } from '../runtime/log';
import { projectOf, userConfigPath } from '../runtime/paths';
import { startBootstrap } from '../runtime/bootstrap';
import { handleHookEvent, eventUid, type HookContext, type HookOutput } from '../core/handle-event';
import { defaultPolicies } from '../core/policies';
import { rememberPluginRoot } from '../runtime/plugin-root';
import { sessionIndex } from '../core/session-context';
import { countPromptTokensLater, exportTelemetryLater, pushTeamUsageLater, startCuratorWatcher } from './background';
import { replaySpool } from '../core/spool-replay';
import { malformedText, storeMalformed, storeNewerEvent } from '../core/unparsed-input';
import { parseHookInput } from './wire';
import { drainInbox, spoolInbox } from './inbox';

export interface IngestOptions {
  now?: number;
  env?: NodeJS.ProcessEnv;
  source?: 'command' | 'mcp';
  /** An open ledger to reuse (the resident server keeps one); otherwise opened and closed here. */
  db?: Ledger;
  maxSpoolReplay?: number;
  /**
   * Context to add after a failed tool call. The resident server passes the did-you-mean for an
   * unknown agent type (../core/failure-context.ts); the command hook does not load the search index.
   */
  failureContext?: HookContext['failureContext'];
  /** How settings are read: the resident server keeps them cached (src/runtime/config/cached.ts). */
  loadConfig?: (project: string) => ReturnType<typeof loadConfig>;
  /** The event's id when it has none of its own (an inbox file's, see ./inbox.ts). */
  uid?: string;
  /** Record what waits in the inbox first (default); off for the inbox's own events. */
  drainInbox?: boolean;
}

export function ingestHookInput(text: string, opts: IngestOptions = {}): HookOutput | undefined {
  const now = opts.now ?? Date.now();
  const env = opts.env ?? process.env;
  const parsed = withBoundedDepth(parseHookInput(text));
  const cwd = parsed.ok ? parsed.event.cwd : undefined;
  const project = projectOf(cwd, env);
  const loaded = (opts.loadConfig ?? loadConfig)(project);
  const { config, problems } = loaded;
  for (const p of problems) if (parsed.ok && parsed.event.hook_event_name === 'SessionStart') trace(`config: ${formatProblem(p)}`);
  const uid = parsed.ok ? (eventUid(parsed.event) ?? opts.uid) : opts.uid;

  let db = opts.db;
  try {
    db ??= openLedger({ busyTimeoutMs: busyTimeoutFor(parsed) });
  } catch (err) {
    const why = err instanceof NativeMissingError ? 'native module missing' : errorText(err);
    const spooled = spoolInput(parsed, text, { uid, now, project, config, why });
    if (opts.drainInbox !== false) spoolWaiting(env, why, opts.loadConfig);
    if (err instanceof NativeMissingError) startBootstrap(env);
    if (spooled) trace(`ledger unavailable (${why}); event spooled for later`);
    return failClosed(config, parsed, why);
  }
  // Replayed spool files are removed only once this hook's work is done: if the ledger turns out
  // damaged halfway, they are still there to replay into the fresh one.
  let replayed: string[] = [];
  const record = (ledger: Ledger): HookOutput | undefined => {
    replayed = [];
    // Session starts and ends the shell hook left behind come first: they happened before this event.
    if (opts.drainInbox !== false) drainInbox(ledger, { env, loadConfig: opts.loadConfig, ingest: ingestHookInput });
    replaySpool(ledger, config, opts.maxSpoolReplay ?? 500, replayed);
    if (!parsed.ok && parsed.newerEvent) {
      storeNewerEvent(ledger, config, { kind: parsed.kind!, bytes: text.length, now, project, sessionId: parsed.sessionId! });
      return undefined;
    }
    if (!parsed.ok) {
      trace(`ignored bad hook input: ${safeReason(parsed.reason)}`);
      storeMalformed(ledger, config, { reason: safeReason(parsed.reason), text, now, project, sessionId: parsed.sessionId, uid });
      return undefined;
    }
    const out = handleHookEvent(
      { db: ledger, config, project, now, source: opts.source ?? 'command', policies: defaultPolicies, sessionContext: sessionIndex, failureContext: opts.failureContext },
      parsed.event,
      { uid },
    );
    if (parsed.event.hook_event_name === 'SessionStart') {
      startCuratorWatcher(config, project, env);
      rememberPluginRoot(env);
    }
    if (parsed.event.hook_event_name === 'SessionEnd') {
      countPromptTokensLater(ledger, parsed.event.session_id, project, env);
      pushTeamUsageLater(config, project, env);
      exportTelemetryLater(config, project, env);
    }
    const told = parsed.event.hook_event_name === 'SessionStart' ? configAnnouncement(loaded) : undefined;
    if (told) {
      const context = [out?.hookSpecificOutput?.additionalContext, told.model].filter(Boolean).join('\n\n');
      return { ...out, systemMessage: told.user, hookSpecificOutput: { ...out?.hookSpecificOutput, hookEventName: 'SessionStart', additionalContext: context } };
    }
    return out;
  };
  let fresh: Ledger | undefined;
  try {
    try {
      const out = record(db);
      for (const f of replayed) removeSpooled(f);
      return out;
    } catch (err) {
      // Damaged pages show only when a statement reaches them, long after a successful open.
      if (!isCorruption(err)) throw err;
      const moved = moveAsideOpened(db);
      trace(`the ledger is damaged (${errorText(err)}); ${moved ? `moved it to ${moved}` : 'another process moved it aside'} and started a new one`);
      fresh = openLedger({ busyTimeoutMs: busyTimeoutFor(parsed) });
      const out = record(fresh);
      for (const f of replayed) removeSpooled(f);
      return out;
    }
  } catch (err) {
    const spooled = spoolInput(parsed, text, { uid, now, project, config, why: errorText(err) });
    if (spooled) trace(`could not record ${parsed.ok ? parsed.event.hook_event_name : 'input'} (${errorText(err)}); event spooled for later`);
    return failClosed(config, parsed, errorText(err));
  } finally {
    fresh?.close();
    if (!opts.db && db.open) db.close();
  }
}

// JSON.parse takes any depth, but the walks after it (call keys, policies, JSON.stringify) recurse
// and overflow near 5,000 levels: past MAX_DEPTH a subtree becomes a note before any of them runs.
function withBoundedDepth(parsed: ReturnType<typeof parseHookInput>): ReturnType<typeof parseHookInput> {
  return parsed.ok ? { ...parsed, event: boundDepth(parsed.event) } : parsed;
}

/** Claude Code kills a hook at its timeout (10 s; SessionEnd 2 s): wait for a held lock well short of it, then spool. */
function busyTimeoutFor(parsed: ReturnType<typeof parseHookInput>): number {
  return parsed.ok && parsed.event.hook_event_name === 'SessionEnd' ? 800 : 4000;
}

/** True when the event is safe in a spool; false (and said so) when it is lost. */
function spoolInput(parsed: ReturnType<typeof parseHookInput>, text: string, o: { uid?: string; now: number; project: string; config: Config; why: string }): boolean {
  try {
    if (parsed.ok) spoolEvent({ uid: o.uid, receivedAt: o.now, project: o.project, event: redact(parsed.event, o.config.privacy), why: o.why });
    else spoolEvent({ receivedAt: o.now, project: o.project, malformed: { reason: safeReason(parsed.reason), text: malformedText(text, o.config) }, why: o.why });
    return true;
  } catch (err) {
    trace(`could not record the event (${o.why}) nor spool it (${errorText(err)}); it is lost`);
    return false;
  }
}

/** Users who want enforcement to hold when agent-warden itself fails opt into `fail_closed`. */
function failClosed(config: Config, parsed: ReturnType<typeof parseHookInput>, why: string): HookOutput | undefined {
  if (!config.fail_closed || !parsed.ok || parsed.event.hook_event_name !== 'PreToolUse') return undefined;
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: `agent-warden: cannot check budgets and breakers right now (${why}), and fail_closed is on. Run \`agent-warden doctor\`; set "fail_closed": false in ${userConfigPath()} to let calls through meanwhile.`,
    },
  };
}

// JSON.parse quotes a piece of the input in its message (`"sk-proj-Ab"... is not valid JSON`):
// the log and the ledger get the reason without it.
const safeReason = (reason: string) => redactText(reason.replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON/, 'is not valid JSON'));


/**
 * `node hook.cjs --drain-inbox`: what a session end starts, detached, so the end is recorded (and
 * its background work started) right away rather than at the next hook. Fails open like a hook:
 * whatever it cannot record stays in the inbox for the next one.
 */
export function drainInboxNow(env: NodeJS.ProcessEnv = process.env): number {
  let db: Ledger;
  try {
    db = openLedger();
  } catch (err) {
    if (err instanceof NativeMissingError) startBootstrap(env);
    const moved = spoolWaiting(env, errorText(err));
    trace(`ledger unavailable (${errorText(err)}); ${moved ? 'the session\'s end spooled for later' : 'the session\'s end waits for the next hook'}`);
    return 0;
  }
  try {
    return drainInboxInto(db, env);
  } finally {
    db.close();
  }
}

/** Records what waits in the inbox into an open ledger (the CLI does it before a report). */
export function drainInboxInto(db: Ledger, env: NodeJS.ProcessEnv = process.env): number {
  return drainInbox(db, { env, ingest: ingestHookInput });
}

/** The inbox into the spool, in order, when the ledger cannot be opened (see ./inbox.ts spoolInbox). */
function spoolWaiting(env: NodeJS.ProcessEnv, why: string, load: IngestOptions['loadConfig'] = loadConfig): number {
  try {
    return spoolInbox((payload, o) => {
      const parsed = withBoundedDepth(parseHookInput(payload));
      const project = projectOf(parsed.ok ? parsed.event.cwd : undefined, o.env);
      const { config } = load(project);
      return spoolInput(parsed, payload, { uid: (parsed.ok ? eventUid(parsed.event) : undefined) ?? o.uid, now: o.now, project, config, why });
    }, env);
  } catch (err) {
    trace(`inbox not spooled (${errorText(err)}); it waits for the next hook`);
    return 0;
  }
}

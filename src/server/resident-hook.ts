// The resident half of the hooks: Claude Code calls this tool (a `type: "mcp_tool"` hook) instead
// of starting a Node process per event. The event takes the same path as the command hook's
// (ingestHookInput → handleHookEvent), with `source: 'mcp'` and one ledger handle kept open.
import { openLedger, type Ledger } from '../ledger/db';
import { failureNote } from '../core/failure-context';
import { ingestHookInput } from '../hooks/ingest';
import { cachedConfig } from '../runtime/config/cached';
import { isAgentTool } from '../runtime/agent-tool';
import { errorText, trace } from '../runtime/log';
import { projectOf } from '../runtime/paths';
import { fillExactPromptTokens } from '../core/prompt-token-backfill';
import { rebuildPayload, type HookArguments } from './hook-input';
import type { ToolResult } from './discovery-tools';

const CHECKPOINT_QUIET_MS = 1000;
const CHECKPOINT_EVERY = 500;

export class ResidentHooks {
  private db: Ledger | undefined;
  private served = false;
  private backfillTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private sinceCheckpoint = 0;
  private lastEventAt = 0;

  /** `onFirstServed` runs once, after the first event this server has recorded. */
  constructor(private readonly onFirstServed: () => void = () => {}) {}

  handle(args: HookArguments): ToolResult {
    const text = JSON.stringify(rebuildPayload(args));
    const db = this.ledger();
    let out;
    try {
      out = ingestHookInput(text, { source: 'mcp', db, failureContext: failureNote, loadConfig: cachedConfig });
    } catch (err) {
      // ingest never throws by design; if it does, answer "no opinion" like the command hook.
      trace(`resident hook: internal error: ${errorText(err)} (please report it)`);
    }
    if (args.hook_event_name === 'PreToolUse' && isAgentTool(args.tool_name)) this.scheduleBackfill();
    this.scheduleCheckpoint();
    // A handle that went bad (file replaced, I/O error) is reopened on the next event.
    if (db && !db.open) this.db = undefined;
    if (!this.served) {
      this.served = true;
      this.onFirstServed();
    }
    return { content: [{ type: 'text', text: out ? JSON.stringify(out) : '' }] };
  }

  /** Exact prompt sizes once the session is quiet for a moment: never while a hook waits. */
  private scheduleBackfill(): void {
    if (this.backfillTimer) clearTimeout(this.backfillTimer);
    this.backfillTimer = setTimeout(() => {
      this.backfillTimer = undefined;
      const db = this.ledger();
      if (!db) return;
      try {
        fillExactPromptTokens(db, cachedConfig(projectOf(undefined)).config, { limit: 50 });
      } catch (err) {
        trace(`resident: exact prompt counts skipped (${errorText(err)})`);
      }
    }, 500);
    this.backfillTimer.unref();
  }

  /**
   * The server's handle does not checkpoint the WAL as part of a commit (see ledger()): copying
   * pages back into the database every thousand or so pages landed on whichever tool call was
   * unlucky. It checkpoints once the session has been quiet for a moment, or inline past a bound.
   */
  private scheduleCheckpoint(): void {
    if (++this.sinceCheckpoint >= CHECKPOINT_EVERY) return this.checkpoint();
    // One timer per quiet spell, not one per event: it waits again for whatever quiet is still owed.
    this.lastEventAt = Date.now();
    if (!this.checkpointTimer) this.armCheckpoint(CHECKPOINT_QUIET_MS);
  }

  private armCheckpoint(ms: number): void {
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      const owed = this.lastEventAt + CHECKPOINT_QUIET_MS - Date.now();
      if (owed > 0) this.armCheckpoint(owed);
      else this.checkpoint();
    }, ms);
    this.checkpointTimer.unref();
  }

  private checkpoint(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    this.sinceCheckpoint = 0;
    try {
      if (this.db?.open) this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      trace(`resident: WAL checkpoint skipped (${errorText(err)})`, { stderr: false });
    }
  }

  close(): void {
    this.checkpoint();
    if (this.backfillTimer) clearTimeout(this.backfillTimer);
    this.db?.close();
    this.db = undefined;
  }

  /** The server's one ledger handle (discovery reads the usage prior through it too). */
  ledger(): Ledger | undefined {
    if (this.db?.open) return this.db;
    try {
      this.db = openLedger();
      this.db.pragma('wal_autocheckpoint = 0'); // this handle only; see scheduleCheckpoint
    } catch (err) {
      // Without a handle, ingest opens (or spools) per event, exactly as the command hook does.
      trace(`resident hook: ledger not open (${errorText(err)})`);
      this.db = undefined;
    }
    return this.db;
  }
}

// History from before the install: Claude Code's own transcripts become ordinary ledger events,
// the same facts the hooks derive at a turn's end (`transcript_usage`, `transcript_calls`,
// `agent_link`, `agent_transcript`; one event per transcript, or per 32 MB chunk of a longer main
// transcript, never one per message), plus one `session_imported` that marks the session as such.
// Every event id is derived from the file and the offset it was read to, so a second run adds
// nothing, a session the hooks recorded is only topped up, and an interrupted run resumes.
import type { Config } from '../runtime/config/schema';
import { agentTranscriptFact, mainTranscriptFact, mainUsagePayload } from '../core/agent-facts';
import { transcriptCallsFact } from '../core/transcript-calls';
import type { Ledger } from '../ledger/db';
import type { EventPayloads } from '../ledger/event-kinds';
import type { NewEvent } from '../ledger/events';
import { recordInBatch, type ProjectionContext } from '../ledger/project';
import { deferPricing, settleDeferred } from '../ledger/projections/usage';
import { suspendUsageTriggers } from '../ledger/usage-triggers';
import { startPrefetch } from './prefetch';
import type { SessionFiles } from './scan';
import { type AgentRead, directSource, MAIN_AHEAD_BYTES, type ReadPlan, readsSource, type SessionReads, type SessionSource } from './session-reads';

export interface ImportTotals {
  sessions: number;
  /** Sessions the hooks had recorded already: only what they missed was added. */
  recorded: number;
  dispatches: number;
  events: number;
  bytes: number;
  /** Lines over the line cap (MAX_LINE_BYTES), skipped and not counted. */
  skippedLines: number;
}

export const emptyTotals = (): ImportTotals => ({ sessions: 0, recorded: 0, dispatches: 0, events: 0, bytes: 0, skippedLines: 0 });

/**
 * The projections prepare their statements on every event, which is cheap for a hook's handful of
 * events and most of the time of an import's hundreds of thousands: memoize them for the run. A
 * plain object over the handle, not a Proxy: `prepare` is called some twenty times per run imported.
 */
export function withStatementCache(db: Ledger): Ledger {
  const cache = new Map<string, ReturnType<Ledger['prepare']>>();
  return {
    prepare(sql) {
      let stmt = cache.get(sql);
      if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
      return stmt;
    },
    exec: (sql) => db.exec(sql),
    pragma: (source, options) => db.pragma(source, options),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
    get open() {
      return db.open;
    },
  };
}

/** Sessions per transaction stop at this many bytes of transcripts (or BATCH_SESSIONS sessions). */
const BATCH_BYTES = 64 * 1024 * 1024;
const BATCH_SESSIONS = 500;

/**
 * Imports sessions in batches, one transaction each: an interrupted import keeps every batch it
 * committed and redoes the one it was in. Costs are settled once per batch, before its commit, and
 * so are the budget buckets and the team outbox that triggers keep for other writers.
 */
export function importSessions(db: Ledger, sessions: SessionFiles[], config: Config, totals: ImportTotals, onSession?: (files: SessionFiles) => void): void {
  // The reading thread reads what the ledger says is still to read, while this one writes, and
  // checkpoints what this one committed (./prefetch.ts).
  const plans = readPlans(db, sessions);
  const ledger = ledgerFile(db);
  const prefetch = startPrefetch(plans.map((p) => p.plan), config.privacy, { ledger });
  // Each session's place among the plans (by the object: two project folders may hold the same session id).
  const planOf = new Map(plans.map((p, i) => [p.files, i]));
  const autoCheckpoint = prefetch && ledger ? (db.pragma('wal_autocheckpoint', { simple: true }) as number) : undefined;
  if (autoCheckpoint !== undefined) db.pragma('wal_autocheckpoint = 0');
  let done = false;
  try {
    importBatches(
      db,
      sessions,
      config,
      totals,
      (files) => (prefetch && planOf.has(files) ? prefetch.take(planOf.get(files)!) : undefined),
      // After each commit, the checkpoint the auto-checkpoint would have made: by the thread, or here.
      () => {
        if (autoCheckpoint !== undefined && !prefetch!.checkpoint()) db.pragma('wal_checkpoint(PASSIVE)');
      },
      onSession,
    );
    done = true;
  } finally {
    prefetch?.stop();
    if (autoCheckpoint !== undefined) {
      try {
        db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
        // What the thread had not checkpointed yet (its connection is closed now).
        if (done) db.pragma('wal_checkpoint(PASSIVE)');
      } catch (err) {
        if (done) throw err; // else the import's own error is the one to report
      }
    }
  }
}

/** The ledger's file, for a second connection to it; undefined for one in memory. */
function ledgerFile(db: Ledger): string | undefined {
  const rows = db.pragma('database_list') as { name: string; file: string }[];
  return rows.find((r) => r.name === 'main')?.file || undefined;
}

function importBatches(
  db: Ledger,
  sessions: SessionFiles[],
  config: Config,
  totals: ImportTotals,
  prefetched: (files: SessionFiles) => SessionReads | undefined,
  committed: () => void,
  onSession?: (files: SessionFiles) => void,
): void {
  for (let i = 0; i < sessions.length; ) {
    let end = i;
    for (let bytes = 0; end < sessions.length && end - i < BATCH_SESSIONS && (end === i || bytes + sessions[end]!.bytes <= BATCH_BYTES); end++) bytes += sessions[end]!.bytes;
    const batch = sessions.slice(i, end);
    db.transaction(() => {
      // The per-row triggers on usage make way for set-based statements at the batch's end (see usage-triggers.ts).
      const triggers = suspendUsageTriggers(db, batch.map((s) => s.sessionId));
      const ctx = deferPricing({ pricing: config.pricing });
      for (const files of batch) {
        const direct = directSource(files.main.path, files.main.bytes, config.privacy);
        const reads = prefetched(files);
        importSession(db, files, config, totals, ctx, reads ? readsSource(reads, direct) : direct);
        onSession?.(files);
      }
      triggers?.beforeReprice(ctx.deferred!.learn.keys());
      settleDeferred(db, ctx);
      triggers?.restore();
    }).immediate();
    committed();
    i = end;
  }
}

/** An event of the session being imported, before its envelope (source, session, project) is added. */
type ImportEvent = NewEvent extends infer E ? (E extends NewEvent ? Omit<E, 'source' | 'sessionId' | 'project'> : never) : never;

/**
 * What the reading thread should read ahead, per session: the main transcript from where both of
 * its readers stand (when they stand together and short of its end), and the subagents not
 * recorded whole. importSession asks the ledger again when it gets there, and reads on the spot
 * whatever this did not foresee.
 */
function readPlans(db: Ledger, sessions: SessionFiles[]): { files: SessionFiles; plan: ReadPlan }[] {
  const plans: { files: SessionFiles; plan: ReadPlan }[] = [];
  for (const files of sessions) {
    const offsets = mainOffsets(db, files.sessionId);
    const from = offsets.usage === offsets.calls && offsets.usage < files.main.bytes ? offsets.usage : undefined;
    const agents = freshAgents(db, files);
    if (from === undefined && agents.length === 0) continue;
    const bytes = (from === undefined ? 0 : Math.min(files.main.bytes - from, MAIN_AHEAD_BYTES)) + agents.reduce((n, a) => n + a.bytes, 0);
    const plan = { sessionId: files.sessionId, main: { path: files.main.path, bytes: files.main.bytes, from }, agents: agents.map((a) => ({ agentId: a.agentId, path: a.path })), bytes };
    plans.push({ files, plan });
  }
  return plans;
}

/** Imports one session (its main thread and every subagent), inside the batch's transaction. */
function importSession(db: Ledger, files: SessionFiles, config: Config, totals: ImportTotals, ctx: ProjectionContext, source: SessionSource): void {
  const { sessionId } = files;
  const existing = db.prepare('SELECT events, imported FROM sessions WHERE session_id = ?').get(sessionId) as { events: number; imported: number } | undefined;
  const facts = source.facts();
  const project_ = facts.cwd;
  const dispatchesBefore = countDispatches(db, sessionId);
  let added = 0;
  const add = (ev: ImportEvent) => {
    if (!recordInBatch(db, { ...ev, source: 'import', sessionId, project: project_ }, ctx)) return false;
    added++;
    return true;
  };
  if (!existing) {
    add({
      uid: `import:${sessionId}:session`,
      kind: 'session_imported',
      receivedAt: facts.firstTs ?? files.main.mtimeMs,
      payload: { cwd: facts.cwd ?? null, transcript_path: files.main.path, first_ts: facts.firstTs ?? null, last_ts: facts.lastTs ?? files.main.mtimeMs },
    });
  }
  const at = facts.lastTs ?? files.main.mtimeMs;
  const main = files.main.path;
  const usageEvent = (fact: EventPayloads['transcript_usage']) => add({ uid: `import:${sessionId}:usage:${fact.offset_end}`, kind: 'transcript_usage', receivedAt: at, payload: fact });
  const callsEvent = (fact: EventPayloads['transcript_calls']) => add({ uid: `import:${sessionId}:calls:${fact.offset_end}`, kind: 'transcript_calls', receivedAt: at, payload: fact });
  // While both readers of the main transcript stand at the same offset (always, for a session not
  // seen before), one pass serves both; each reads a bounded chunk, so loop to the end.
  for (let offsets = mainOffsets(db, sessionId); offsets.usage === offsets.calls; offsets = mainOffsets(db, sessionId)) {
    const read = source.mainChunk(offsets.usage);
    totals.skippedLines += read.usage.skippedLines;
    const usage = mainUsagePayload(main, offsets.usage, read.usage);
    const calls = read.calls;
    const moved = [usage && usageEvent(usage), calls && callsEvent(calls)];
    if (!moved.some(Boolean)) break;
  }
  // A session the hooks recorded may have its two offsets apart: each reader goes on alone.
  for (let fact = mainTranscriptFact(db, sessionId, main); fact; fact = mainTranscriptFact(db, sessionId, main)) if (!usageEvent(fact)) break;
  for (let fact = transcriptCallsFact(db, sessionId, main, config); fact; fact = transcriptCallsFact(db, sessionId, main, config)) if (!callsEvent(fact)) break;

  // Nested dispatches live in their parent subagent's transcript: every subagent's calls first, so
  // each run below finds the dispatch that started it (and its agent type). Each transcript is read
  // once, for its calls and its usage together.
  const fresh = freshAgents(db, files);
  const readOf = new Map<string, AgentRead>();
  for (const agent of fresh) {
    const read = source.agent(agent.agentId, agent.path);
    totals.skippedLines += read.usage.skippedLines;
    readOf.set(agent.agentId, read);
    const calls = read.calls;
    if (calls) add({ uid: `import:${sessionId}:agent-calls:${agent.agentId}:${calls.offset_end}`, kind: 'transcript_calls', receivedAt: agent.mtimeMs, agentId: agent.agentId, payload: calls });
  }
  for (const agent of fresh) {
    const { meta, usage } = readOf.get(agent.agentId)!;
    if (meta?.toolUseId) {
      add({
        uid: `import:${sessionId}:link:${agent.agentId}`,
        kind: 'agent_link',
        receivedAt: agent.mtimeMs,
        agentId: agent.agentId,
        payload: { agent_id: agent.agentId, tool_use_id: meta.toolUseId, parent_agent_id: meta.parentAgentId },
      });
    }
    const known = { agent_type: meta?.agentType, tool_use_id: meta?.toolUseId, parent_agent_id: meta?.parentAgentId };
    const fact = agentTranscriptFact(sessionId, agent.agentId, agent.path, config, known, usage);
    // History is finished work; a session the hooks are recording says for itself when a run stops.
    const payload = existing?.events ? fact.payload : { ...fact.payload, finished: true };
    add({ uid: `import:${sessionId}:agent:${agent.agentId}:${fact.payload.bytes}`, kind: 'agent_transcript', receivedAt: fact.payload.last_ts ?? agent.mtimeMs, agentId: agent.agentId, payload });
  }
  if (added === 0) return;
  totals.events += added;
  totals.dispatches += countDispatches(db, sessionId) - dispatchesBefore;
  if (existing && !existing.imported) totals.recorded++;
  else totals.sessions++;
}

/** The subagents the ledger has not recorded whole: no run yet, or one read from a shorter transcript. */
function freshAgents(db: Ledger, files: SessionFiles): SessionFiles['subagents'] {
  if (files.subagents.length === 0) return [];
  const rows = db.prepare('SELECT agent_id AS id, transcript_bytes AS b FROM agent_runs WHERE session_id = ?').all(files.sessionId) as { id: string; b: number }[];
  const read = new Map(rows.map((r) => [r.id, r.b]));
  return files.subagents.filter((agent) => {
    const bytes = read.get(agent.agentId);
    return bytes === undefined || bytes < agent.bytes;
  });
}

function mainOffsets(db: Ledger, sessionId: string): { usage: number; calls: number } {
  const row = db.prepare('SELECT transcript_offset AS usage, calls_offset AS calls FROM sessions WHERE session_id = ?').get(sessionId) as { usage: number; calls: number } | undefined;
  return row ?? { usage: 0, calls: 0 };
}

function countDispatches(db: Ledger, sessionId: string): number {
  return (db.prepare('SELECT count(*) AS n FROM dispatches WHERE session_id = ?').get(sessionId) as { n: number }).n;
}

// History from before the install: Claude Code's own transcripts become ordinary ledger events,
// the same facts the hooks derive at a turn's end (`transcript_usage`, `transcript_calls`,
// `agent_link`, `agent_transcript`; one event per transcript, or per 32 MB chunk of a longer main
// transcript, never one per message), plus one `session_imported` that marks the session as such.
// Every event id is derived from the file and the offset it was read to, so a second run adds
// nothing, a session the hooks recorded is only topped up, and an interrupted run resumes.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import type { Config } from '../runtime/config/schema';
import { agentTranscriptFact, MAIN_READ_BUDGET, mainTranscriptFact, mainUsagePayload, readAgentMeta } from '../core/agent-facts';
import { callsPayload, transcriptCallsFact } from '../core/transcript-calls';
import type { Ledger } from '../ledger/db';
import type { EventPayloads } from '../ledger/event-kinds';
import type { NewEvent } from '../ledger/events';
import { recordInBatch, type ProjectionContext } from '../ledger/project';
import { deferPricing, settleDeferred } from '../ledger/projections/usage';
import type { TranscriptRead } from '../runtime/tokens/transcript';
import { suspendUsageTriggers } from '../ledger/usage-triggers';
import { readUsageAndCalls } from '../runtime/tokens/usage-and-calls';
import type { SessionFiles } from './scan';

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
 * events and most of the time of an import's hundreds of thousands: memoize them for the run.
 */
export function withStatementCache(db: Ledger): Ledger {
  const cache = new Map<string, ReturnType<Ledger['prepare']>>();
  return new Proxy(db, {
    get(target, key) {
      if (key === 'prepare') {
        return (sql: string) => {
          let stmt = cache.get(sql);
          if (!stmt) cache.set(sql, (stmt = target.prepare(sql)));
          return stmt;
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
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
  for (let i = 0; i < sessions.length; ) {
    let end = i;
    for (let bytes = 0; end < sessions.length && end - i < BATCH_SESSIONS && (end === i || bytes + sessions[end]!.bytes <= BATCH_BYTES); end++) bytes += sessions[end]!.bytes;
    const batch = sessions.slice(i, end);
    db.transaction(() => {
      // The per-row triggers on usage make way for set-based statements at the batch's end (see usage-triggers.ts).
      const triggers = suspendUsageTriggers(db, batch.map((s) => s.sessionId));
      const ctx = deferPricing({ pricing: config.pricing });
      for (const files of batch) {
        importSession(db, files, config, totals, ctx);
        onSession?.(files);
      }
      triggers?.beforeReprice(ctx.deferred!.learn.keys());
      settleDeferred(db, ctx);
      triggers?.restore();
    }).immediate();
    i = end;
  }
}

/** An event of the session being imported, before its envelope (source, session, project) is added. */
type ImportEvent = NewEvent extends infer E ? (E extends NewEvent ? Omit<E, 'source' | 'sessionId' | 'project'> : never) : never;

/** Imports one session (its main thread and every subagent), inside the batch's transaction. */
function importSession(db: Ledger, files: SessionFiles, config: Config, totals: ImportTotals, ctx: ProjectionContext): void {
  const { sessionId } = files;
  const existing = db.prepare('SELECT events, imported FROM sessions WHERE session_id = ?').get(sessionId) as { events: number; imported: number } | undefined;
  const facts = sessionFacts(files);
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
    const read = readUsageAndCalls(main, offsets.usage, { maxBytes: MAIN_READ_BUDGET, span: false });
    totals.skippedLines += read.usage.skippedLines;
    const usage = mainUsagePayload(main, offsets.usage, read.usage);
    const calls = callsPayload(read.calls, offsets.calls, config);
    const moved = [usage && usageEvent(usage), calls && callsEvent(calls)];
    if (!moved.some(Boolean)) break;
  }
  // A session the hooks recorded may have its two offsets apart: each reader goes on alone.
  for (let fact = mainTranscriptFact(db, sessionId, main); fact; fact = mainTranscriptFact(db, sessionId, main)) if (!usageEvent(fact)) break;
  for (let fact = transcriptCallsFact(db, sessionId, main, config); fact; fact = transcriptCallsFact(db, sessionId, main, config)) if (!callsEvent(fact)) break;

  // Nested dispatches live in their parent subagent's transcript: every subagent's calls first, so
  // each run below finds the dispatch that started it (and its agent type). Each transcript is read
  // once, for its calls and its usage together.
  const fresh = files.subagents.filter((agent) => {
    const run = db.prepare('SELECT transcript_bytes AS b FROM agent_runs WHERE session_id = ? AND agent_id = ?').get(sessionId, agent.agentId) as { b: number } | undefined;
    return !run || run.b < agent.bytes;
  });
  const usageOf = new Map<string, TranscriptRead>();
  for (const agent of fresh) {
    const read = readUsageAndCalls(agent.path, 0, { costState: false });
    totals.skippedLines += read.usage.skippedLines;
    usageOf.set(agent.agentId, read.usage);
    const calls = callsPayload(read.calls, 0, config, agent.agentId);
    if (calls) add({ uid: `import:${sessionId}:agent-calls:${agent.agentId}:${calls.offset_end}`, kind: 'transcript_calls', receivedAt: agent.mtimeMs, agentId: agent.agentId, payload: calls });
  }
  for (const agent of fresh) {
    const meta = readAgentMeta(agent.path);
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
    const fact = agentTranscriptFact(sessionId, agent.agentId, agent.path, config, known, usageOf.get(agent.agentId));
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

function mainOffsets(db: Ledger, sessionId: string): { usage: number; calls: number } {
  const row = db.prepare('SELECT transcript_offset AS usage, calls_offset AS calls FROM sessions WHERE session_id = ?').get(sessionId) as { usage: number; calls: number } | undefined;
  return row ?? { usage: 0, calls: 0 };
}

function countDispatches(db: Ledger, sessionId: string): number {
  return (db.prepare('SELECT count(*) AS n FROM dispatches WHERE session_id = ?').get(sessionId) as { n: number }).n;
}

/** The session's working folder and time span, from the transcript's first and last lines. */
function sessionFacts(files: SessionFiles): { cwd?: string; firstTs?: number; lastTs?: number } {
  const { head, tail } = readEnds(files.main.path, files.main.bytes, 64 * 1024);
  return { cwd: firstCwd(head), firstTs: firstTimestamp(head), lastTs: lastTimestamp(tail) };
}

// The ends are searched as bytes and only the few bytes of a match are decoded: most of 128 KB of
// every session would otherwise be turned into a string for three small lookups.
const CWD = /^"cwd":\s*"((?:[^"\\]|\\.){1,4096})"/;
const TIMESTAMP = /^"timestamp":\s*"([0-9T:.Z+-]{10,40})"/;

function firstCwd(head: Buffer): string | undefined {
  for (let at = head.indexOf('"cwd":'); at >= 0; at = head.indexOf('"cwd":', at + 1)) {
    const m = CWD.exec(head.toString('utf8', at, at + 17 * 1024));
    try {
      if (m) return JSON.parse(`"${m[1]}"`) as string;
    } catch {
      // An escape JSON does not know: not a path Claude Code wrote.
    }
  }
  return undefined;
}

function firstTimestamp(head: Buffer): number | undefined {
  for (let at = head.indexOf('"timestamp":'); at >= 0; at = head.indexOf('"timestamp":', at + 1)) {
    const t = timestampAt(head, at);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Searched from the end: the tail holds hundreds of timestamps, only the last valid one counts. */
function lastTimestamp(tail: Buffer): number | undefined {
  for (let at = tail.lastIndexOf('"timestamp":'); at >= 0; at = at > 0 ? tail.lastIndexOf('"timestamp":', at - 1) : -1) {
    const t = timestampAt(tail, at);
    if (t !== undefined) return t;
  }
  return undefined;
}

function timestampAt(bytes: Buffer, at: number): number | undefined {
  const m = TIMESTAMP.exec(bytes.toString('latin1', at, at + 128));
  const t = m ? Date.parse(m[1]!) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** The first and last `length` bytes of the file (one read when they overlap). */
function readEnds(path: string, size: number, length: number): { head: Buffer; tail: Buffer } {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const buf = Buffer.allocUnsafe(Math.min(size, 2 * length));
    if (size <= 2 * length) {
      const got = readSync(fd, buf, 0, buf.length, 0);
      return { head: buf.subarray(0, Math.min(got, length)), tail: buf.subarray(Math.max(0, got - length), got) };
    }
    const gotHead = readSync(fd, buf, 0, length, 0);
    const gotTail = readSync(fd, buf, length, length, size - length);
    return { head: buf.subarray(0, gotHead), tail: buf.subarray(length, length + gotTail) };
  } catch {
    return { head: Buffer.alloc(0), tail: Buffer.alloc(0) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

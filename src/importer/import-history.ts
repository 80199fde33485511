// History from before the install: Claude Code's own transcripts become ordinary ledger events,
// the same facts the hooks derive at a turn's end (`transcript_usage`, `transcript_calls`,
// `agent_link`, `agent_transcript`), plus one `session_imported` that marks the session as such.
// Every event id is derived from the file and the offset it was read to, so a second run adds
// nothing, a session the hooks recorded is only topped up, and an interrupted run resumes.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import type { Config } from '../config/schema';
import { agentTranscriptFact, mainTranscriptFact, readAgentMeta } from '../core/agent-facts';
import { transcriptCallsFact } from '../core/transcript-calls';
import type { Ledger } from '../ledger/db';
import type { NewEvent } from '../ledger/events';
import { record } from '../ledger/project';
import type { SessionFiles } from './scan';

export interface ImportTotals {
  sessions: number;
  /** Sessions the hooks had recorded already: only what they missed was added. */
  recorded: number;
  dispatches: number;
  events: number;
  bytes: number;
}

export const emptyTotals = (): ImportTotals => ({ sessions: 0, recorded: 0, dispatches: 0, events: 0, bytes: 0 });

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

/** An event of the session being imported, before its envelope (source, session, project) is added. */
type ImportEvent = NewEvent extends infer E ? (E extends NewEvent ? Omit<E, 'source' | 'sessionId' | 'project'> : never) : never;

/** Imports one session (its main thread and every subagent) in one transaction. */
export function importSession(db: Ledger, files: SessionFiles, config: Config, totals: ImportTotals): void {
  const { sessionId } = files;
  const existing = db.prepare('SELECT events, imported FROM sessions WHERE session_id = ?').get(sessionId) as { events: number; imported: number } | undefined;
  const facts = sessionFacts(files);
  const project_ = facts.cwd;
  const dispatchesBefore = countDispatches(db, sessionId);
  let added = 0;
  const add = (ev: ImportEvent) => {
    if (!record(db, { ...ev, source: 'import', sessionId, project: project_ }, { pricing: config.pricing })) return false;
    added++;
    return true;
  };
  db.transaction(() => {
    if (!existing) {
      add({
        uid: `import:${sessionId}:session`,
        kind: 'session_imported',
        receivedAt: facts.firstTs ?? files.main.mtimeMs,
        payload: { cwd: facts.cwd ?? null, transcript_path: files.main.path, first_ts: facts.firstTs ?? null, last_ts: facts.lastTs ?? files.main.mtimeMs },
      });
    }
    const at = facts.lastTs ?? files.main.mtimeMs;
    // The readers continue from the offsets the ledger holds and stop at a bounded chunk: loop to the end.
    for (let fact = mainTranscriptFact(db, sessionId, files.main.path); fact; fact = mainTranscriptFact(db, sessionId, files.main.path)) {
      if (!add({ uid: `import:${sessionId}:usage:${fact.offset_end}`, kind: 'transcript_usage', receivedAt: at, payload: fact })) break;
    }
    for (let fact = transcriptCallsFact(db, sessionId, files.main.path, config); fact; fact = transcriptCallsFact(db, sessionId, files.main.path, config)) {
      if (!add({ uid: `import:${sessionId}:calls:${fact.offset_end}`, kind: 'transcript_calls', receivedAt: at, payload: fact })) break;
    }
    // Nested dispatches live in their parent subagent's transcript: every subagent's calls first, so
    // each run below finds the dispatch that started it (and its agent type).
    const fresh = files.subagents.filter((agent) => {
      const run = db.prepare('SELECT transcript_bytes AS b FROM agent_runs WHERE session_id = ? AND agent_id = ?').get(sessionId, agent.agentId) as { b: number } | undefined;
      return !run || run.b < agent.bytes;
    });
    for (const agent of fresh) {
      const calls = transcriptCallsFact(db, sessionId, agent.path, config, { agentId: agent.agentId, offset: 0 });
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
      const fact = agentTranscriptFact(sessionId, agent.agentId, agent.path, config, { agent_type: meta?.agentType, tool_use_id: meta?.toolUseId, parent_agent_id: meta?.parentAgentId });
      // History is finished work; a session the hooks are recording says for itself when a run stops.
      const payload = existing?.events ? fact.payload : { ...fact.payload, finished: true };
      add({ uid: `import:${sessionId}:agent:${agent.agentId}:${fact.payload.bytes}`, kind: 'agent_transcript', receivedAt: fact.payload.last_ts ?? agent.mtimeMs, agentId: agent.agentId, payload });
    }
  }).immediate();
  if (added === 0) return;
  totals.events += added;
  totals.dispatches += countDispatches(db, sessionId) - dispatchesBefore;
  if (existing && !existing.imported) totals.recorded++;
  else totals.sessions++;
}

function countDispatches(db: Ledger, sessionId: string): number {
  return (db.prepare('SELECT count(*) AS n FROM dispatches WHERE session_id = ?').get(sessionId) as { n: number }).n;
}

/** The session's working folder and time span, from the transcript's first and last lines. */
function sessionFacts(files: SessionFiles): { cwd?: string; firstTs?: number; lastTs?: number } {
  const head = readSlice(files.main.path, 0, 64 * 1024);
  const tail = readSlice(files.main.path, Math.max(0, files.main.bytes - 64 * 1024), 64 * 1024);
  const cwd = /"cwd":\s*"((?:[^"\\]|\\.){1,4096})"/.exec(head)?.[1];
  return { cwd: cwd ? (JSON.parse(`"${cwd}"`) as string) : undefined, firstTs: firstTimestamp(head), lastTs: lastTimestamp(tail) };
}

const TIMESTAMP = /"timestamp":\s*"([0-9T:.Z+-]{10,40})"/g;

function firstTimestamp(text: string): number | undefined {
  for (const m of text.matchAll(TIMESTAMP)) {
    const t = Date.parse(m[1]!);
    if (!Number.isNaN(t)) return t;
  }
  return undefined;
}

function lastTimestamp(text: string): number | undefined {
  let last: number | undefined;
  for (const m of text.matchAll(TIMESTAMP)) {
    const t = Date.parse(m[1]!);
    if (!Number.isNaN(t)) last = t;
  }
  return last;
}

function readSlice(path: string, start: number, length: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const buf = Buffer.alloc(length);
    const got = readSync(fd, buf, 0, length, start);
    return buf.toString('utf8', 0, got);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

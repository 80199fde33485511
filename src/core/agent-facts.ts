// Facts about subagents that live in files, not in hook payloads: the meta file linking an agent
// to the tool call that started it, and its transcript (billed tokens, files written). Claude Code
// flushes transcripts lazily, so the last message may land after SubagentStop: runs whose file has
// grown since it was read are read again by later hooks (and by the CLI before it reports).
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import type { EventKind, EventPayloads } from '../ledger/event-kinds';
import { trace } from '../runtime/log';
import { readRegularFile } from '../runtime/safe-file';
import { MAX_LINE_BYTES } from '../runtime/tokens/jsonl-tail';
import { readTranscript, type TranscriptRead } from '../runtime/tokens/transcript';
import type { HookEvent } from './hook-event';

/** A fact about one subagent, read from its files: one event of that kind to record. */
export type AgentFact = FactOf<'agent_transcript' | 'agent_link'>;
export type FactOf<K extends EventKind> = K extends EventKind ? { kind: K; sessionId: string; project?: string; payload: EventPayloads[K] } : never;

/** New assistant messages of a session's main transcript since the offset last recorded. */
export function mainTranscriptFact(db: Ledger, sessionId: string, transcriptPath: string): EventPayloads['transcript_usage'] | undefined {
  const row = db.prepare('SELECT transcript_offset AS o FROM sessions WHERE session_id = ?').get(sessionId) as { o: number } | undefined;
  const offset = row?.o ?? 0;
  return mainUsagePayload(transcriptPath, offset, readTranscript(transcriptPath, offset, MAIN_READ_BUDGET));
}

/** The `transcript_usage` payload of a read of the main transcript from `offset`; undefined when it read nothing. */
export function mainUsagePayload(transcriptPath: string, offset: number, read: TranscriptRead): EventPayloads['transcript_usage'] | undefined {
  noteSkipped(transcriptPath, read);
  if (read.offsetEnd === offset && read.messages.length === 0) return undefined;
  return {
    offset_start: offset,
    offset_end: read.offsetEnd,
    messages: read.messages,
    ...(read.costState ? { cost_state: read.costState } : {}),
    ...(read.skippedLines ? { skipped_lines: read.skippedLines } : {}),
  };
}

/**
 * One hook reads at most this much of the session transcript; the offset moves on and the next
 * hook reads on from there, so a first look at a huge transcript never runs into the hook timeout.
 */
export const MAIN_READ_BUDGET = 32 * 1024 * 1024;

function noteSkipped(path: string, read: TranscriptRead): void {
  if (read.skippedLines) trace(`${path}: ${read.skippedLines} line(s) over ${MAX_LINE_BYTES / 1024 / 1024} MB skipped, not counted`, { stderr: false });
}

/** Facts the current event points at: its agent's meta link, and its transcript once finished. */
export function agentFactsFor(event: HookEvent, config: Config): AgentFact[] {
  const wire: Record<string, unknown> = event.wire;
  const response = event.kind === 'PostToolUse' ? asRecord(wire.tool_response) : undefined;
  let agentId: unknown;
  if (event.kind === 'SubagentStart' || event.kind === 'SubagentStop') agentId = event.agentId;
  else if (event.kind === 'PostToolUse' && event.dispatchType !== undefined) agentId = response?.agentId;
  if (typeof agentId !== 'string' || !agentId) return [];
  const transcriptPath = stringOr(wire.agent_transcript_path) ?? (event.transcriptPath ? join(event.transcriptPath.replace(/\.jsonl$/, ''), 'subagents', `agent-${agentId}.jsonl`) : undefined);
  if (!transcriptPath) return [];
  const meta = readMeta(transcriptPath);
  const facts: AgentFact[] = [];
  if (meta?.toolUseId) facts.push({ kind: 'agent_link', sessionId: event.sessionId, payload: { agent_id: agentId, tool_use_id: meta.toolUseId, parent_agent_id: meta.parentAgentId } });
  const finished = event.kind === 'SubagentStop' || (event.kind === 'PostToolUse' && response?.status === 'completed');
  if (finished) {
    facts.push(
      transcriptFact(event.sessionId, agentId, transcriptPath, config, {
        agent_type: event.agentType ?? stringOr(response?.agentType) ?? meta?.agentType,
        tool_use_id: meta?.toolUseId ?? (event.kind === 'PostToolUse' ? event.tool?.useId : undefined),
        parent_agent_id: meta?.parentAgentId,
      }),
    );
  }
  return facts;
}

const asRecord = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);
const stringOr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Finished runs (of one session, or all recent ones) whose transcript grew since it was read. */
export function staleRunFacts(db: Ledger, config: Config, filter: { sessionId?: string; since?: number }): AgentFact[] {
  const where = filter.sessionId ? 'session_id = ?' : 'ended_at >= ?';
  const rows = db
    .prepare(`SELECT session_id, project, agent_id, transcript_path, transcript_bytes, agent_type, tool_use_id FROM agent_runs WHERE ${where} AND stopped = 1 AND transcript_path IS NOT NULL ORDER BY ended_at DESC LIMIT 200`)
    .all(filter.sessionId ?? filter.since ?? 0) as any[];
  const facts: AgentFact[] = [];
  for (const r of rows) {
    let size: number;
    try {
      size = statSync(r.transcript_path).size;
    } catch {
      continue;
    }
    if (size <= r.transcript_bytes) continue;
    facts.push({ ...transcriptFact(r.session_id, r.agent_id, r.transcript_path, config, { agent_type: r.agent_type, tool_use_id: r.tool_use_id ?? undefined }), project: r.project ?? undefined });
  }
  return facts;
}

function transcriptFact(
  sessionId: string,
  agentId: string,
  transcriptPath: string,
  config: Config,
  known: { agent_type?: string; tool_use_id?: string; parent_agent_id?: string },
  // A finished run is read whole, in bounded chunks: its billed tokens are all of its messages.
  // The importer passes the read it made together with the run's tool calls.
  read: TranscriptRead = readTranscript(transcriptPath, 0),
): FactOf<'agent_transcript'> {
  noteSkipped(transcriptPath, read);
  return {
    kind: 'agent_transcript',
    sessionId,
    payload: {
      agent_id: agentId,
      ...known,
      transcript_path: transcriptPath,
      bytes: read.offsetEnd,
      messages: read.messages,
      first_ts: read.firstTs,
      last_ts: read.lastTs,
      tool_uses: read.toolUses,
      files_written: config.privacy === 'metadata' ? [] : read.filesWritten,
      model: read.lastModel,
      ...(read.skippedLines ? { skipped_lines: read.skippedLines } : {}),
    },
  };
}

function readMeta(transcriptPath: string): { toolUseId?: string; parentAgentId?: string; agentType?: string } | undefined {
  try {
    // Claude Code writes a few hundred bytes; anything else (a FIFO, a device, a link) is not its file.
    const meta = JSON.parse(readRegularFile(join(dirname(transcriptPath), `${basename(transcriptPath, '.jsonl')}.meta.json`), { maxBytes: 64 * 1024, noFollow: true }));
    return meta && typeof meta === 'object' ? meta : undefined;
  } catch {
    return undefined;
  }
}

// The importer reads finished transcripts and their meta files the same way.
export { readMeta as readAgentMeta, transcriptFact as agentTranscriptFact };

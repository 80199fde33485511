// What the importer reads of one session's files, apart from what it writes: the main
// transcript's ends, its reads chunk by chunk, each subagent's transcript with its meta file. The
// same reads serve from the reading thread (./prefetch.ts, made ahead while the ledger is written)
// or are made on the spot, for whatever the thread did not read (or when there is no thread).
import { MAIN_READ_BUDGET, readAgentMeta } from '../core/agent-facts';
import { callsPayload } from '../core/transcript-calls';
import type { EventPayloads } from '../ledger/event-kinds';
import type { PrivacyMode } from '../runtime/privacy/redact';
import type { TranscriptRead } from '../runtime/tokens/transcript';
import { readUsageAndCalls } from '../runtime/tokens/usage-and-calls';
import { type SessionFacts, sessionFacts } from './session-facts';

/** One read of the main transcript from `offset`: its usage, and its calls as a payload already. */
export interface MainRead {
  offset: number;
  usage: TranscriptRead;
  calls: EventPayloads['transcript_calls'] | undefined;
}

/** A subagent's whole transcript and its meta file. */
export interface AgentRead {
  usage: TranscriptRead;
  calls: EventPayloads['transcript_calls'] | undefined;
  meta: ReturnType<typeof readAgentMeta>;
}

/** Where the importer gets its reads of one session. */
export interface SessionSource {
  facts(): SessionFacts;
  mainChunk(offset: number): MainRead;
  agent(agentId: string, path: string): AgentRead;
}

/**
 * What the reading thread reads of a session: the ends, the main transcript from `from` on (chunk
 * after chunk, as the importer asks for them while each read moves it on), the listed subagents.
 */
export interface ReadPlan {
  sessionId: string;
  main: { path: string; bytes: number; from?: number };
  agents: { agentId: string; path: string }[];
  /** Bytes of transcript the plan reads, at most: what the thread may run ahead by is counted in these. */
  bytes: number;
}

/**
 * The thread reads at most this much of one main transcript (two or three chunks), so what it holds
 * stays bounded whatever a transcript's size; the importer reads any rest on the spot, chunk by chunk.
 */
export const MAIN_AHEAD_BYTES = 64 * 1024 * 1024;

/** A plan's reads, made by the reading thread. */
export interface SessionReads {
  facts: SessionFacts;
  main: MainRead[];
  /** By agent id (a Map: an id is a file name, `__proto__` included). */
  agents: Map<string, AgentRead>;
}

export function readMainChunk(path: string, offset: number, privacy: PrivacyMode): MainRead {
  const read = readUsageAndCalls(path, offset, { maxBytes: MAIN_READ_BUDGET, span: false });
  return { offset, usage: read.usage, calls: callsPayload(read.calls, offset, { privacy }) };
}

export function readAgent(agentId: string, path: string, privacy: PrivacyMode): AgentRead {
  const read = readUsageAndCalls(path, 0, { costState: false });
  return { usage: read.usage, calls: callsPayload(read.calls, 0, { privacy }, agentId), meta: readAgentMeta(path) };
}

/** Reads on the spot. */
export function directSource(mainPath: string, mainBytes: number, privacy: PrivacyMode): SessionSource {
  return {
    facts: () => sessionFacts(mainPath, mainBytes),
    mainChunk: (offset) => readMainChunk(mainPath, offset, privacy),
    agent: (agentId, path) => readAgent(agentId, path, privacy),
  };
}

/** The thread's reads where it made the one asked for, else on the spot. */
export function readsSource(reads: SessionReads, direct: SessionSource): SessionSource {
  return {
    facts: () => reads.facts,
    mainChunk: (offset) => reads.main.find((r) => r.offset === offset) ?? direct.mainChunk(offset),
    agent: (agentId, path) => reads.agents.get(agentId) ?? direct.agent(agentId, path),
  };
}

/** The reading thread's work for one plan. `onFile` marks its progress (the importer's watch on a stuck thread). */
export function readPlanned(plan: ReadPlan, privacy: PrivacyMode, onFile: () => void = () => {}): SessionReads {
  const facts = sessionFacts(plan.main.path, plan.main.bytes);
  const main: MainRead[] = [];
  // Each read moves the offset on, or the importer stops asking (it records nothing more).
  const from = plan.main.from;
  for (let offset = from; offset !== undefined && offset - from! < MAIN_AHEAD_BYTES; ) {
    const read = readMainChunk(plan.main.path, offset, privacy);
    onFile();
    main.push(read);
    offset = read.usage.offsetEnd > offset ? read.usage.offsetEnd : undefined;
  }
  const agents = new Map<string, AgentRead>();
  for (const a of plan.agents) {
    agents.set(a.agentId, readAgent(a.agentId, a.path, privacy));
    onFile();
  }
  return { facts, main, agents };
}

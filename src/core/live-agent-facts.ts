// Facts about a subagent that is still running, read at its own PreToolUse (the payload carries
// its agent_id): the new messages of its transcript since the last read (so a `dispatch` budget
// can stop it while it runs), and once, its meta file (the dispatch that started it and its depth,
// which spawn caps need before the dispatch's PostToolUse arrives). Reads are incremental and
// bounded; anything unreadable is skipped (the run is then judged on what the ledger has).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { readTranscript } from '../runtime/tokens/transcript';
import type { FactOf } from './agent-facts';
import { awaitCallFlushed } from '../runtime/tokens/await-flush';
import type { HookEvent } from './hook-event';

export type LiveFact = FactOf<'agent_link' | 'agent_usage'>;

/** At most this much of a live transcript is read per tool call; the rest waits for the next. */
const MAX_LIVE_READ = 4 * 1024 * 1024;
const MAX_META = 64 * 1024;

export function subagentTranscriptPath(mainTranscript: string, agentId: string): string {
  return join(mainTranscript.replace(/\.jsonl$/, ''), 'subagents', `agent-${agentId}.jsonl`);
}

/** Only dispatch budgets need live spend; only spawn caps need the depth. Nothing is read otherwise. */
export function liveAgentFacts(db: Ledger, config: Config, event: HookEvent): LiveFact[] {
  if (event.kind !== 'PreToolUse') return [];
  const agentId = event.agentId;
  if (typeof agentId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(agentId) || typeof event.transcriptPath !== 'string') return [];
  const needsUsage = config.budgets.some((b) => b.scope === 'dispatch');
  const needsDepth = config.spawn.max_depth !== undefined;
  if (!needsUsage && !needsDepth) return [];
  const path = subagentTranscriptPath(event.transcriptPath, agentId);
  const run = db.prepare('SELECT live_offset, tool_use_id, spawn_depth FROM agent_runs WHERE session_id = ? AND agent_id = ?').get(event.sessionId, agentId) as
    | { live_offset: number; tool_use_id: string | null; spawn_depth: number | null }
    | undefined;
  const facts: LiveFact[] = [];
  if (!run?.tool_use_id || run.spawn_depth === null) {
    const meta = readMeta(path.replace(/\.jsonl$/, '.meta.json'));
    if (meta?.toolUseId) {
      facts.push({
        kind: 'agent_link',
        sessionId: event.sessionId,
        payload: { agent_id: agentId, tool_use_id: meta.toolUseId, parent_agent_id: meta.parentAgentId, spawn_depth: meta.spawnDepth },
      });
    }
  }
  if (needsUsage) {
    if (event.tool) awaitCallFlushed(path, event.tool.useId);
    const offset = run?.live_offset ?? 0;
    const read = readTranscript(path, offset, MAX_LIVE_READ);
    if (read.offsetEnd !== offset || read.messages.length) {
      facts.push({
        kind: 'agent_usage',
        sessionId: event.sessionId,
        payload: { agent_id: agentId, agent_type: event.agentType, transcript_path: path, offset_start: offset, offset_end: read.offsetEnd, messages: read.messages },
      });
    }
  }
  return facts;
}

interface Meta {
  toolUseId?: string;
  parentAgentId?: string;
  spawnDepth?: number;
}

/** A small regular file, opened without blocking (a FIFO planted in its place must not hang the hook). */
function readMeta(path: string): Meta | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_META) return undefined;
    const buf = Buffer.alloc(st.size);
    const got = readSync(fd, buf, 0, st.size, 0);
    const raw = JSON.parse(buf.toString('utf8', 0, got));
    if (typeof raw !== 'object' || raw === null) return undefined;
    return {
      toolUseId: typeof raw.toolUseId === 'string' ? raw.toolUseId : undefined,
      parentAgentId: typeof raw.parentAgentId === 'string' ? raw.parentAgentId : undefined,
      spawnDepth: Number.isInteger(raw.spawnDepth) && raw.spawnDepth > 0 ? raw.spawnDepth : undefined,
    };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

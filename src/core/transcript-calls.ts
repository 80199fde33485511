// At the end of each turn (Stop), at SessionEnd and before reports, the main transcript's tool calls
// since the last such read are logged as one `transcript_calls` event. Calls the hooks recorded are
// left as they are; calls they missed are added, with their outcome. Read only at turn ends, never
// at PreToolUse, so the breaker decides from what hooks saw live.
import { callKey, callSummary } from './breaker/call-key';
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import type { EventPayloads } from '../ledger/event-kinds';
import { redact, redactText } from '../runtime/privacy/redact';
import { type CallsRead, readTranscriptCalls } from '../runtime/tokens/transcript-calls';
import { MAIN_READ_BUDGET } from './agent-facts';
import { isAgentTool } from '../runtime/agent-tool';

/** A subagent's transcript (`agentId`, read from `offset`) gives the calls it made: its nested dispatches. */
export function transcriptCallsFact(
  db: Ledger,
  sessionId: string,
  transcriptPath: string,
  config: Config,
  thread: { agentId?: string; offset?: number } = {},
): EventPayloads['transcript_calls'] | undefined {
  const row = thread.offset === undefined ? (db.prepare('SELECT calls_offset AS o FROM sessions WHERE session_id = ?').get(sessionId) as { o: number } | undefined) : undefined;
  const offset = thread.offset ?? row?.o ?? 0;
  return callsPayload(readTranscriptCalls(transcriptPath, offset, MAIN_READ_BUDGET), offset, config, thread.agentId);
}

/**
 * The `transcript_calls` payload of a read from `offset` (of a subagent's transcript when `agentId`);
 * undefined when it read nothing. Only the privacy setting counts (the importer's reading thread gets no more).
 */
export function callsPayload(read: CallsRead, offset: number, config: Pick<Config, 'privacy'>, agentId?: string): EventPayloads['transcript_calls'] | undefined {
  if (read.offsetEnd === offset) return undefined;
  const text = (t: string) => (config.privacy === 'metadata' ? `[${t.length} chars]` : config.privacy === 'redacted' ? redactText(t) : t);
  const outcome = (r: { isError: boolean; text: string } | undefined) =>
    !r ? { status: 'started' } : !r.isError ? { status: 'succeeded' } : { status: r.text.startsWith('PreToolUse:') ? 'denied' : 'failed', error: text(r.text) };
  return {
    ...(agentId ? { agent_id: agentId } : {}),
    offset_end: read.offsetEnd,
    calls: read.calls.map((c) => ({
      tool_use_id: c.id,
      tool_name: c.name,
      call_key: callKey(c.name, c.input),
      summary: config.privacy === 'metadata' ? c.name : text(callSummary(c.name, c.input)),
      ts: c.ts,
      ...outcome(c.result),
      ...(isAgentTool(c.name) ? { dispatch: redact(pick(c.input, ['subagent_type', 'description', 'prompt', 'model', 'run_in_background']), config.privacy) } : {}),
    })),
    late_results: read.lateResults.map((r) => ({ tool_use_id: r.id, ...outcome(r) })),
  };
}

function pick(input: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
}

// Every tool call of a thread, as its transcript records it: the tool_use blocks the model sent and
// the tool_result blocks that answered them. Hooks record calls live; this is how calls a hook
// never saw (the resident server died between two calls, a hook timed out) still reach the ledger.
import { JsonlLine, type LineScan, scanLines, TYPE_TOOL_RESULT, TYPE_TOOL_USE } from './jsonl-tail';

export interface TranscriptCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  ts?: number;
  result?: { isError: boolean; text: string };
}

export interface CallsRead {
  calls: TranscriptCall[];
  /** Results whose tool_use was read before `offset` (an earlier read). */
  lateResults: { id: string; isError: boolean; text: string }[];
  offsetEnd: number;
}

const RESULT_TEXT_LIMIT = 2000;

export function readTranscriptCalls(path: string, offset = 0, maxBytes?: number): CallsRead {
  const reader = callsReader(offset);
  const line = new JsonlLine();
  return reader.finish(scanLines(path, offset, (bytes) => reader.line(line.set(bytes)), { maxBytes }));
}

/** The tool-call side of a transcript read, fed line by line (alone, or in one pass with other readers). */
export function callsReader(offset: number): { line(line: JsonlLine): void; finish(scan: LineScan): CallsRead } {
  const out: CallsRead = { calls: [], lateResults: [], offsetEnd: offset };
  const byId = new Map<string, TranscriptCall>();
  return {
    line: (line) => collect(line, byId, out),
    finish(scan) {
      if (!scan.shrunk) out.offsetEnd = scan.offsetEnd;
      out.calls = [...byId.values()];
      return out;
    },
  };
}

function collect(line: JsonlLine, byId: Map<string, TranscriptCall>, out: CallsRead): void {
  // Only lines that can hold a call or a result are parsed (tool outputs make the rest large).
  if (!(line.types() & (TYPE_TOOL_USE | TYPE_TOOL_RESULT))) return;
  const rec = line.record();
  const content = rec?.message?.content;
  if (!Array.isArray(content)) return;
  const ts = rec.timestamp ? Date.parse(rec.timestamp) : undefined;
  for (const block of content) {
    if (block?.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string' && !byId.has(block.id)) {
      byId.set(block.id, { id: block.id, name: block.name, input: isObject(block.input) ? block.input : {}, ts: Number.isNaN(ts) ? undefined : ts });
    } else if (block?.type === 'tool_result' && typeof block.tool_use_id === 'string') {
      const result = { isError: block.is_error === true, text: resultText(block.content) };
      const call = byId.get(block.tool_use_id);
      if (call) call.result = result;
      else out.lateResults.push({ id: block.tool_use_id, ...result });
    }
  }
}

function resultText(content: unknown): string {
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((c) => (c?.type === 'text' ? String(c.text ?? '') : '')).join('\n') : '';
  return text.slice(0, RESULT_TEXT_LIMIT);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

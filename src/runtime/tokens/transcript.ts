// Billed tokens come from transcripts, not from tool responses: Claude Code's `totalTokens` covers
// only a subagent's last API call. One API response can span several transcript lines (one per
// content block) with the same message id, so each id counts once; we keep the largest figures
// seen for it because later lines of a streamed message carry the final output count.
import { type CostState, parseCostState } from './cost-state';
import { JsonlLine, type LineScan, scanLines, TYPE_ASSISTANT, TYPE_COST_STATE } from './jsonl-tail';

export type { MessageUsage } from './pricing';
import type { MessageUsage } from './pricing';

export interface TranscriptRead {
  messages: MessageUsage[];
  /** Byte offset just past the last complete line read: where the next read starts. */
  offsetEnd: number;
  firstTs?: number;
  lastTs?: number;
  toolUses: number;
  filesWritten: string[];
  lastModel?: string;
  /** The last `cost-state` line read: Claude Code's own cost of the session so far. */
  costState?: CostState;
  /** Lines too long to parse, skipped (see MAX_LINE_BYTES). */
  skippedLines: number;
  /** Why the file could not be read, when it could not. */
  unreadable?: string;
}

const WRITE_TOOLS: Record<string, string> = { Write: 'file_path', Edit: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };

export const totalOf = (m: MessageUsage) => m.input + m.output + m.cacheWrite5m + m.cacheWrite1h + m.cacheRead;

/**
 * Reads complete JSONL lines from `offset` on; a half-written last line waits for the next read.
 * `maxBytes` bounds one call's work (hooks); the offset returned says where the next read starts.
 */
export function readTranscript(path: string, offset = 0, maxBytes?: number): TranscriptRead {
  const reader = usageReader(offset);
  const line = new JsonlLine();
  return reader.finish(scanLines(path, offset, (bytes) => reader.line(line.set(bytes)), { maxBytes }));
}

/**
 * What a reader may leave out, for callers that do not use it: the cost-state (only a main thread
 * has one) and the time span of the lines that carry no message (a main thread's is not used).
 * Each costs a search through every line, most of which are tool output.
 */
export interface UsageReadOptions {
  costState?: boolean;
  span?: boolean;
}

/** The usage side of a transcript read, fed line by line (alone, or in one pass with other readers). */
export function usageReader(offset: number, opts: UsageReadOptions = {}): { line(line: JsonlLine): void; finish(scan: LineScan): TranscriptRead } {
  const out: TranscriptRead = { messages: [], offsetEnd: offset, toolUses: 0, filesWritten: [], skippedLines: 0 };
  const byId = new Map<string, MessageUsage>();
  const files = new Set<string>();
  const wants = { costState: opts.costState ?? true, span: opts.span ?? true };
  return {
    line: (line) => parseLine(line, out, byId, files, wants),
    finish(scan) {
      if (scan.shrunk) out.offsetEnd = 0; // a shorter file was replaced: start over
      else out.offsetEnd = scan.offsetEnd;
      out.skippedLines = scan.skippedLines;
      out.unreadable = scan.unreadable;
      out.messages = [...byId.values()];
      out.filesWritten = [...files];
      return out;
    },
  };
}

function parseLine(line: JsonlLine, out: TranscriptRead, byId: Map<string, MessageUsage>, files: Set<string>, wants: Required<UsageReadOptions>): void {
  const bytes = line.bytes;
  const types = line.types();
  if (!(types & TYPE_ASSISTANT)) {
    if (wants.costState && types & TYPE_COST_STATE) {
      const state = parseCostState(bytes.toString('utf8'));
      if (state) out.costState = state;
    }
    if (wants.span) {
      const ts = tsOf(bytes);
      if (ts !== undefined) track(out, ts);
    }
    return;
  }
  const rec = line.record();
  if (rec === undefined || rec === null) return;
  const ts = rec.timestamp ? Date.parse(rec.timestamp) : undefined;
  if (ts !== undefined && !Number.isNaN(ts)) track(out, ts);
  const msg = rec.message;
  if (rec.type !== 'assistant' || !msg || typeof msg !== 'object') return;
  if (Array.isArray(msg.content)) {
    for (const block of msg.content) {
      if (block?.type !== 'tool_use') continue;
      out.toolUses++;
      const key = WRITE_TOOLS[block.name];
      const file = key ? block.input?.[key] : undefined;
      if (typeof file === 'string') files.add(file);
    }
  }
  const u = msg.usage;
  if (!u || typeof msg.id !== 'string') return;
  if (typeof msg.model === 'string' && msg.model !== '<synthetic>') out.lastModel = msg.model;
  const total5m = num(u.cache_creation?.ephemeral_5m_input_tokens);
  const total1h = num(u.cache_creation?.ephemeral_1h_input_tokens);
  const creation = num(u.cache_creation_input_tokens);
  const next: MessageUsage = {
    id: msg.id,
    model: typeof msg.model === 'string' ? msg.model : undefined,
    ts: ts !== undefined && !Number.isNaN(ts) ? ts : undefined,
    input: num(u.input_tokens),
    output: num(u.output_tokens),
    // The split by cache lifetime is missing in older transcripts: count it all as 5-minute writes.
    cacheWrite5m: total5m + total1h === creation ? total5m : creation - total1h,
    cacheWrite1h: total1h,
    cacheRead: num(u.cache_read_input_tokens),
  };
  const prev = byId.get(msg.id);
  byId.set(msg.id, prev ? mergeMax(prev, next) : next);
}

function track(out: TranscriptRead, ts: number): void {
  if (out.firstTs === undefined || ts < out.firstTs) out.firstTs = ts;
  if (out.lastTs === undefined || ts > out.lastTs) out.lastTs = ts;
}

/** The line's (first) timestamp, decoding only the few bytes around it. */
function tsOf(bytes: Buffer): number | undefined {
  const at = indexOfTimestamp(bytes);
  if (at < 0) return undefined;
  const m = /^"timestamp":\s*"([^"]+)"/.exec(bytes.toString('utf8', at, at + 64));
  if (!m) return undefined;
  const t = Date.parse(m[1]!);
  return Number.isNaN(t) ? undefined : t;
}

/** Where `"timestamp":` first is; searched as `mestamp":`, whose first byte is rarer than a quote (faster), as bytes (see typeValues). */
function indexOfTimestamp(bytes: Buffer): number {
  for (let at = bytes.indexOf(MESTAMP); at >= 0; at = bytes.indexOf(MESTAMP, at + 9)) {
    if (at >= 3 && bytes[at - 1] === 0x69 && bytes[at - 2] === 0x74 && bytes[at - 3] === 0x22) return at - 3; // `"ti`
  }
  return -1;
}

const MESTAMP = Buffer.from('mestamp":');

export function mergeMax(a: MessageUsage, b: MessageUsage): MessageUsage {
  return {
    id: a.id,
    model: b.model ?? a.model,
    ts: a.ts ?? b.ts,
    input: Math.max(a.input, b.input),
    output: Math.max(a.output, b.output),
    cacheWrite5m: Math.max(a.cacheWrite5m, b.cacheWrite5m),
    cacheWrite1h: Math.max(a.cacheWrite1h, b.cacheWrite1h),
    cacheRead: Math.max(a.cacheRead, b.cacheRead),
  };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

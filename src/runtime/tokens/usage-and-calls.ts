// One pass over a transcript for both of its readers, usage (transcript.ts) and tool calls
// (transcript-calls.ts): the file is read once and each line parsed at most once, where reading it
// for each reader in turn read and searched it twice and parsed an assistant line twice.
import { JsonlLine, scanLines } from './jsonl-tail';
import { type TranscriptRead, type UsageReadOptions, usageReader } from './transcript';
import { type CallsRead, callsReader } from './transcript-calls';

export function readUsageAndCalls(path: string, offset = 0, opts: UsageReadOptions & { maxBytes?: number } = {}): { usage: TranscriptRead; calls: CallsRead } {
  const usage = usageReader(offset, opts);
  const calls = callsReader(offset);
  const line = new JsonlLine();
  const scan = scanLines(
    path,
    offset,
    (bytes) => {
      line.set(bytes);
      usage.line(line);
      calls.line(line);
    },
    { maxBytes: opts.maxBytes },
  );
  return { usage: usage.finish(scan), calls: calls.finish(scan) };
}

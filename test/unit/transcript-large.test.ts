// Large transcripts on real files: a line longer than any buffer is skipped and counted (never
// pins the offset), an unterminated giant line does not make every later read rescan it, and a
// 150 MB subagent transcript is counted to its last message. Speed and memory live in
// bench/transcript-tail.mjs; the bounds here only catch a hang.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/runtime/config/schema';
import { agentFactsFor } from '../../src/core/agent-facts';
import { toHookEvent } from '../../src/core/hook-event';
import { readTranscript, type MessageUsage } from '../../src/runtime/tokens/transcript';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-large-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const line = (id: string, output: number, pad = 0) =>
  JSON.stringify({ type: 'assistant', timestamp: '2026-11-30T10:00:00.000Z', message: { id, model: 'claude-sonnet-5-5', role: 'assistant', content: [{ type: 'text', text: 'p'.repeat(pad) }], usage: { input_tokens: 1, output_tokens: output } } }) + '\n';

/** A huge line that is not an assistant message (a tool result, say), written in pieces. */
function appendHugeLine(fd: number, bytes: number, terminated: boolean): void {
  const piece = Buffer.alloc(1024 * 1024, 'x');
  fs.writeSync(fd, '{"type":"user","message":{"content":"');
  for (let left = bytes; left > 0; left -= piece.length) fs.writeSync(fd, piece, 0, Math.min(piece.length, left));
  if (terminated) fs.writeSync(fd, '"}}\n');
}

/** Reads like successive hooks do, from the offset the last one reached, until nothing changes. */
function readAll(file: string, maxReads = 10) {
  let offset = 0;
  const ids = new Set<string>();
  let skipped = 0;
  for (let i = 0; i < maxReads; i++) {
    const read = readTranscript(file, offset);
    for (const m of read.messages) ids.add(m.id);
    skipped += read.skippedLines ?? 0;
    if (read.offsetEnd === offset) break;
    offset = read.offsetEnd;
  }
  return { offset, ids, skipped };
}

describe('large transcripts', () => {
  it('a 70 MB line is skipped and counted; the messages after it are still read', () => {
    const file = path.join(dir, 'long-line.jsonl');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, line('msg_before', 1));
    appendHugeLine(fd, 70 * 1024 * 1024, true);
    fs.writeSync(fd, line('msg_after', 2));
    fs.closeSync(fd);
    const { offset, ids, skipped } = readAll(file);
    expect([...ids].sort()).toEqual(['msg_after', 'msg_before']);
    expect(offset).toBe(fs.statSync(file).size);
    expect(skipped).toBe(1);
  });

  it('an unterminated giant last line does not pin the offset: the read moves past it and later lines count', () => {
    const file = path.join(dir, 'growing.jsonl');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, line('msg_1', 1));
    appendHugeLine(fd, 40 * 1024 * 1024, false);
    const first = readTranscript(file, 0);
    expect(first.messages.map((m) => m.id)).toEqual(['msg_1']);
    // The giant line is given up on (and counted) instead of rescanned by every later hook.
    expect(first.offsetEnd).toBeGreaterThan(30 * 1024 * 1024);
    expect(first.skippedLines).toBe(1);
    fs.writeSync(fd, '"}}\n');
    fs.writeSync(fd, line('msg_2', 2));
    fs.closeSync(fd);
    const third = readAll(file);
    expect(third.ids.has('msg_2')).toBe(true);
    expect(third.offset).toBe(fs.statSync(file).size);
  });

  it('a 150 MB subagent transcript is counted to its last message', () => {
    const sessionTranscript = path.join(dir, 'session.jsonl');
    fs.writeFileSync(sessionTranscript, '');
    const subDir = path.join(dir, 'session', 'subagents');
    fs.mkdirSync(subDir, { recursive: true });
    const file = path.join(subDir, 'agent-big.jsonl');
    const fd = fs.openSync(file, 'w');
    let n = 0;
    let expectedOutput = 0;
    const batch: string[] = [];
    while (fs.fstatSync(fd).size < 150 * 1024 * 1024) {
      for (let i = 0; i < 1000; i++, n++) {
        batch.push(line(`msg_${n}`, (n % 7) + 1, 1500));
        expectedOutput += (n % 7) + 1;
      }
      fs.writeSync(fd, batch.join(''));
      batch.length = 0;
    }
    fs.closeSync(fd);
    const facts = agentFactsFor(
      toHookEvent({ hook_event_name: 'SubagentStop', session_id: 's-big', transcript_path: sessionTranscript, cwd: dir, agent_id: 'big', agent_type: 'general-purpose' } as never),
      defaultConfig(),
    );
    const transcript = facts.find((f) => f.kind === 'agent_transcript')!;
    const messages = transcript.payload.messages as MessageUsage[];
    expect(messages).toHaveLength(n);
    expect(messages.reduce((s, m) => s + m.output, 0)).toBe(expectedOutput);
    expect(transcript.payload.bytes).toBe(fs.statSync(file).size);
  });
});

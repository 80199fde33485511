// Issue 3, must show 3: the captured payloads, replayed in order and shuffled, give the same
// dispatch records, with billed tokens equal to the subagents' transcript sums.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { defaultConfig } from '../../src/runtime/config/schema';
import { openLedger } from '../../src/ledger/db';
import { listDispatches } from '../../src/ledger/read-dispatches';
import { handleHookEvent } from '../../src/core/handle-event';
import { parseHookInput } from '../../src/hooks/wire';
import { loadFixtureRun, seeded, shuffle, WIRED, type FixtureRun } from '../support/fixtures';
import { makeTempDir, type TempDir } from '../support/sandbox';

const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

function replay(run: FixtureRun, order: number[]) {
  const dir = makeTempDir('ledger');
  cleanups.push(dir);
  const db = openLedger({ path: path.join(dir.path, 'ledger.db') });
  const base = Date.parse('2026-11-23T15:43:00Z');
  for (const i of order) {
    const parsed = parseHookInput(run.payloads[i]!.text);
    if (!parsed.ok) throw new Error(parsed.reason);
    // Each event keeps the receive time it had in the real run, whatever order it arrives in.
    const now = base + i * 100;
    handleHookEvent({ db, config: defaultConfig(), project: '/p', now, source: 'command', policies: [] }, parsed.event, { receivedAt: now });
  }
  const records = listDispatches(db).map(({ id: _id, ...rest }) => rest);
  db.close();
  return records.sort((a, b) => a.tool_use_id.localeCompare(b.tool_use_id));
}

function transcriptTotal(file: string): number {
  const seen = new Map<string, number>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line);
    if (rec.type !== 'assistant') continue;
    const u = rec.message.usage;
    seen.set(rec.message.id, u.input_tokens + u.output_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0));
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

describe('dispatch records from the captured run', () => {
  it('are complete and exact when replayed in firing order', () => {
    const run = loadFixtureRun('hooks-dispatch');
    cleanups.push(run);
    const wired = run.payloads.map((p, i) => (WIRED.has(p.event.hook_event_name) ? i : -1)).filter((i) => i >= 0);
    const records = replay(run, wired);

    expect(records.map((r) => [r.tool_use_id, r.agent_type, r.status, r.background])).toEqual([
      ['toolu_11_0', 'general-purpose', 'completed', true],
      ['toolu_2_0', 'code-reviewer', 'completed', false],
      ['toolu_5_0', 'general-purpose', 'completed', false],
      ['toolu_7_0', 'general-purpose', 'completed', false],
    ]);
    const sub = path.join(run.transcriptsDir, 'a5371dc9-083f-4987-8703-c3c308092916', 'subagents');
    for (const r of records) {
      expect(r.agent_id).toBeTruthy();
      expect(r.total_tokens).toBe(transcriptTotal(path.join(sub, `agent-${r.agent_id}.jsonl`)));
      expect(r.total_tokens).toBe(r.input_tokens + r.output_tokens + r.cache_creation_tokens + r.cache_read_tokens);
    }
    // Claude Code's own figure covers only the last call; it is kept apart, not used as the total.
    const reviewer = records.find((r) => r.tool_use_id === 'toolu_2_0')!;
    expect(reviewer.reported_total_tokens).toBe(1329);
    expect(reviewer.total_tokens).toBe(2672);
    expect(reviewer.final_message).toBe('REPORT[rev1] done');
    // The nested dispatch keeps its parent.
    expect(records.find((r) => r.tool_use_id === 'toolu_7_0')!.parent_agent_id).toBe('a5b6b90e3de115c05');
    // Its model (claude-sonnet-5-5) is in no price table: it is billed at Claude Code's own figure
    // from the session's cost-state, the only Sonnet spend of the session.
    expect(reviewer.cost_usd).toBeCloseTo(0.002164, 9);
    expect(reviewer.unpriced).toBe(false);
  });

  it('are the same when the payloads arrive shuffled', () => {
    const run = loadFixtureRun('hooks-dispatch');
    cleanups.push(run);
    const wired = run.payloads.map((p, i) => (WIRED.has(p.event.hook_event_name) ? i : -1)).filter((i) => i >= 0);
    const inOrder = replay(run, wired);
    for (const seed of [1, 2, 3, 42, 1234]) {
      expect(replay(run, shuffle(wired, seeded(seed)))).toEqual(inOrder);
    }
  });
});

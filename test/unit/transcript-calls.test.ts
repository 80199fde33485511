// Calls no hook recorded (the resident server died between two calls, a hook timed out) still
// reach the ledger: at a turn's end the main transcript's tool calls are read, with their outcome.
// Here only SessionStart and Stop of the captured retry-loop run arrive; the ten failing calls
// in its transcript must all be there, failed, with Claude Code's error text.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { defaultConfig } from '../../src/runtime/config/schema';
import { openLedger } from '../../src/ledger/db';
import { rebuildProjections, snapshotProjections } from '../../src/ledger/rebuild';
import { handleHookEvent } from '../../src/core/handle-event';
import type { WireEvent } from '../../src/core/hook-event';
import { loadFixtureRun } from '../support/fixtures';
import { makeTempDir, type TempDir } from '../support/sandbox';

const dirs: TempDir[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

describe('tool calls read from the transcript', () => {
  it('fill in every call the hooks missed, with its outcome, once', () => {
    const run = loadFixtureRun('hooks-retry-loop');
    const dir = makeTempDir('calls');
    dirs.push(run, dir);
    const db = openLedger({ path: path.join(dir.path, 'ledger.db') });
    const start = run.payloads[0]!.event as WireEvent;
    const stop = { ...start, hook_event_name: 'Stop', last_assistant_message: 'Gave up.', prompt_id: 'p1' } as WireEvent;
    const ctx = { db, config: defaultConfig(), project: '/p', now: Date.now(), source: 'command' as const, policies: [] };
    handleHookEvent(ctx, start);
    handleHookEvent(ctx, stop);
    handleHookEvent(ctx, { ...stop, prompt_id: 'p2' } as WireEvent); // a second turn end reads nothing again

    const calls = db.prepare('SELECT tool_name, status, error, call_key FROM tool_calls ORDER BY started_at').all() as any[];
    expect(calls).toHaveLength(10);
    expect(new Set(calls.map((c) => `${c.tool_name}:${c.status}:${c.error}`))).toEqual(new Set(['Bash:failed:Exit code 3\nconnection refused']));
    expect(new Set(calls.map((c) => c.call_key)).size).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM events WHERE kind = 'transcript_calls'`).pluck().get()).toBe(1);

    const live = snapshotProjections(db);
    rebuildProjections(db, { pricing: {} });
    expect(snapshotProjections(db)).toEqual(live);
    db.close();
  });
});

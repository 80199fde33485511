// The event log's kinds are one closed list, each with a payload schema (src/ledger/event-kinds.ts).
// Those schemas describe what is really written: a captured Claude Code run through the real hook
// process, a retry loop the breaker steps into, input a hook cannot parse, a hook event of a newer
// Claude Code, and the CLI's logged actions all leave events whose kind is on the list and whose
// payload satisfies its kind's schema.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/ledger/driver';
import { EVENT_KINDS, isEventKind, payloadSchema } from '../../src/ledger/event-kinds';
import { loadFixtureRun } from '../support/fixtures';
import { makeTempDir } from '../support/sandbox';
import { runCli, runHook } from '../support/warden';

const home = makeTempDir('event-kinds');
const dispatchRun = loadFixtureRun('hooks-dispatch');
const retryRun = loadFixtureRun('hooks-retry-loop');
afterAll(() => [home, dispatchRun, retryRun].forEach((d) => d.cleanup()));

describe('event kinds', () => {
  it('every event written satisfies the schema of its kind', () => {
    for (const run of [dispatchRun, retryRun]) {
      for (const p of run.payloads) expect(runHook(p.text, home.path).status, p.file).toBe(0);
    }
    const session = dispatchRun.payloads[0]!.event.session_id as string;
    expect(runHook('{"hook_event_name": "PreToolUse", "session_id": ', home.path).status).toBe(0);
    for (const args of [
      ['budget', 'override', '--session', session, '--budget', 'day', '--add', '1000'],
      ['spawn', 'override', '--session', session, '--cap', 'max_per_session', '--add', '2'],
      ['windows', 'lift', '--session', session, '--window', '5h'],
      ['breaker', 'reset', '--all'],
      ['ledger', 'count-tokens'],
      ['import', '--projects-dir', path.dirname(dispatchRun.transcriptsDir)],
    ]) {
      const ran = runCli(args, home.path);
      expect(ran.status, `${args.join(' ')}: ${ran.stderr}`).toBe(0);
    }

    const db = openDatabase(path.join(home.path, 'ledger.db'), { readonly: true });
    let rows: { seq: number; kind: string; payload: string }[];
    try {
      rows = db.prepare('SELECT seq, kind, payload FROM events ORDER BY seq').all() as typeof rows;
    } finally {
      db.close();
    }
    const unknownKinds = rows.filter((r) => !isEventKind(r.kind)).map((r) => r.kind);
    expect(unknownKinds).toEqual([]);
    const mismatches = rows.flatMap((r) => {
      if (!isEventKind(r.kind)) return [];
      const parsed = payloadSchema(r.kind).safeParse(JSON.parse(r.payload));
      return parsed.success ? [] : [`#${r.seq} ${r.kind}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`];
    });
    expect(mismatches).toEqual([]);
    // The run reaches most kinds; the rest are written by paths the suite covers elsewhere (rate-limit
    // snapshots by the status line, live agent usage under dispatch budgets).
    const seen = new Set(rows.map((r) => r.kind));
    expect([...seen].sort()).toEqual(
      expect.arrayContaining(['PreToolUse', 'PostToolUse', 'SubagentStop', 'agent_transcript', 'transcript_usage', 'decision', 'malformed', 'unhandled_hook', 'budget_override', 'spawn_override', 'window_lift', 'breaker_reset']),
    );
    expect(seen.size).toBeGreaterThan(EVENT_KINDS.length / 2);
    expect(fs.existsSync(path.join(home.path, 'ledger.db'))).toBe(true);
  });

  it('a string outside the list is not a kind', () => {
    expect(isEventKind('decision')).toBe(true);
    expect(isEventKind('decisions')).toBe(false);
    expect(isEventKind('__proto__')).toBe(false);
  });
});

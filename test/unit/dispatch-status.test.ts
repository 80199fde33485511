// Issue 3, must show 2 (the interrupted half; the failing half runs on the real CLI in
// e2e/ledger.test.ts): status comes from what happened, whatever order the hooks arrive in.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { defaultConfig } from '../../src/runtime/config/schema';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { listDispatches } from '../../src/ledger/read-dispatches';
import { handleHookEvent } from '../../src/core/handle-event';
import type { WireEvent } from '../../src/core/hook-event';
import { makeTempDir, type TempDir } from '../support/sandbox';

const dirs: TempDir[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function ledger(): Ledger {
  const dir = makeTempDir('status');
  dirs.push(dir);
  return openLedger({ path: path.join(dir.path, 'ledger.db') });
}

const base = { session_id: 's1', cwd: '/p', transcript_path: '/nonexistent/s1.jsonl' };
const pre = (id: string, type: string): WireEvent =>
  ({ ...base, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: id, tool_input: { subagent_type: type, prompt: `do ${id}`, description: id, run_in_background: false } }) as WireEvent;
const failure = (id: string, error: string, interrupt: boolean): WireEvent =>
  ({ ...base, hook_event_name: 'PostToolUseFailure', tool_name: 'Agent', tool_use_id: id, tool_input: {}, error, is_interrupt: interrupt }) as WireEvent;

function feed(db: Ledger, events: WireEvent[]): void {
  let now = 1_800_000_000_000;
  for (const e of events) handleHookEvent({ db, config: defaultConfig(), project: '/p', now: (now += 10), source: 'command', policies: [] }, e);
}

describe('dispatch status', () => {
  it('is killed for an interrupted dispatch and failed for an error, with the error kept', () => {
    const db = ledger();
    feed(db, [pre('t1', 'explorer'), failure('t1', 'Interrupted by user', true), pre('t2', 'builder'), failure('t2', 'Agent crashed: out of memory', false), pre('t3', 'builder')]);
    const rows = listDispatches(db);
    expect(rows.map((r) => [r.tool_use_id, r.agent_type, r.status, r.error])).toEqual([
      ['t1', 'explorer', 'killed', 'Interrupted by user'],
      ['t2', 'builder', 'failed', 'Agent crashed: out of memory'],
      ['t3', 'builder', 'running', null],
    ]);
    db.close();
  });

  it('does not change when the failure arrives before the call it belongs to', () => {
    const db = ledger();
    feed(db, [failure('t1', 'Interrupted by user', true), pre('t1', 'explorer')]);
    expect(listDispatches(db).map((r) => [r.agent_type, r.status, r.description])).toEqual([['explorer', 'killed', 't1']]);
    db.close();
  });
});

// Issue 2, must show 5: bad input never breaks the user's session. The real hook process gets
// invalid JSON, empty stdin, an unknown event and a payload of several MB: exit 0, one stderr
// line each, the input kept as a malformed event, the database intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDatabase } from '../../src/ledger/driver';
import { makeTempDir, type TempDir } from '../support/sandbox';
import { runHook } from '../support/warden';

let home: TempDir;
beforeAll(() => {
  home = makeTempDir('bad-input');
});
afterAll(() => home.cleanup());

const cases: [string, string | Buffer][] = [
  ['invalid JSON', '{"session_id": "s1", "hook_event_name": "PreToolUse", '],
  ['empty stdin', ''],
  // (A well-named event of a newer Claude Code is not bad input: see hook-newer-events.test.ts.)
  ['an unknown event', JSON.stringify({ session_id: 's1', hook_event_name: 'not an event', cwd: '/p' })],
  ['a payload of several MB', JSON.stringify({ session_id: 's1', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 'big', tool_input: { command: 'x'.repeat(9 * 1024 * 1024) } })],
  ['a wrong type', JSON.stringify({ session_id: 42, hook_event_name: 'Stop' })],
  ['binary bytes', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b])],
];

describe('the command hook on bad input', () => {
  it.each(cases)('exits 0 with one stderr line on %s', (_name, input) => {
    const ran = runHook(input, home.path);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toBe('');
    const lines = ran.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agent-warden: ignored bad hook input: /);
  });

  it('kept every one as a malformed event, and the database is intact', () => {
    const db = openDatabase(path.join(home.path, 'ledger.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare(`SELECT payload FROM events WHERE kind = 'malformed' ORDER BY seq`).all() as { payload: string }[];
    expect(rows).toHaveLength(cases.length);
    expect(rows.map((r) => JSON.parse(r.payload).reason)).toEqual([
      expect.stringContaining('not JSON'),
      'empty input on stdin',
      expect.stringContaining('unknown hook event "not an event"'),
      expect.stringContaining('over the'),
      expect.stringContaining('session_id'),
      expect.stringContaining('not JSON'),
    ]);
    // A malformed payload is stored truncated, never whole.
    expect(Math.max(...rows.map((r) => r.payload.length))).toBeLessThan(70 * 1024);
    db.close();
  });
});

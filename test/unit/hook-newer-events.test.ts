// Issue 17: hook events a newer Claude Code adds (2.1.332: PreSkillShellCommand) reach the real
// hook process as well-formed JSON of an unknown kind. They are counted (one `unhandled_hook`
// event with the name and size, the session's event count), never logged or stored as malformed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/ledger/driver';
import { makeTempDir, type TempDir } from '../support/sandbox';
import { cliJson, runHook } from '../support/warden';

let home: TempDir;
beforeAll(() => {
  home = makeTempDir('newer-events');
});
afterAll(() => home.cleanup());

const event = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ session_id: 'newer-s1', transcript_path: '/nonexistent/t.jsonl', cwd: '/p', hook_event_name: name, ...extra });

describe('hook events of a newer Claude Code', () => {
  it('exit 0 with nothing on stdout or stderr, nothing in warden.log', () => {
    for (const input of [
      event('SessionStart', { source: 'startup' }),
      event('PreSkillShellCommand', { skill_name: 'deploy', command: 'make deploy', token: 'sk-ant-api03-' + 'a'.repeat(40) }),
      event('PreSkillShellCommand', { skill_name: 'deploy', command: 'make test' }),
    ]) {
      const ran = runHook(input, home.path);
      expect(ran.status).toBe(0);
      expect(ran.stdout).toBe('');
      expect(ran.stderr).toBe('');
    }
    expect(fs.existsSync(path.join(home.path, 'warden.log')) ? fs.readFileSync(path.join(home.path, 'warden.log'), 'utf8') : '').toBe('');
  });

  it('are counted by name, with none of their fields kept, and not as malformed', () => {
    const db = openDatabase(path.join(home.path, 'ledger.db'), { readonly: true });
    try {
      const rows = db.prepare(`SELECT kind, session_id, payload FROM events ORDER BY seq`).all() as { kind: string; session_id: string; payload: string }[];
      expect(rows.map((r) => r.kind)).toEqual(['SessionStart', 'unhandled_hook', 'unhandled_hook']);
      const newer = rows.filter((r) => r.kind === 'unhandled_hook').map((r) => JSON.parse(r.payload));
      expect(newer.map((p) => p.hook_event_name)).toEqual(['PreSkillShellCommand', 'PreSkillShellCommand']);
      expect(newer.every((p) => Object.keys(p).sort().join() === 'bytes,hook_event_name')).toBe(true);
      expect(rows.some((r) => r.payload.includes('sk-ant-') || r.payload.includes('make deploy'))).toBe(false);
    } finally {
      db.close();
    }
    const [session] = cliJson<any[]>(['sessions'], home.path);
    expect(session.session_id).toBe('newer-s1');
  });
});

/**
 * Issue 20: a plain tool call's fallback runs without Claude Code waiting (`async`), so it can no
 * longer stop the call. With the resident server down it still records the call, and a call the
 * breaker would have refused is said to the model (exit 2 on stderr, which asyncRewake delivers).
 * With the server up it exits at once and records nothing. Real processes: the shell script and
 * the fresh build's hook.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/ledger/driver';
import { PLUGIN_DIR } from '../support/built';
import { hookPayload, makeWardenDirs, runHook } from '../support/hook-runner';

const dirs = makeWardenDirs('async-fallback');
afterAll(() => dirs.cleanup());

const fallback = (payload: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  spawnSync('sh', [path.join(PLUGIN_DIR, 'hooks', 'command-or-resident.sh'), PLUGIN_DIR, 'async'], {
    input: JSON.stringify(payload),
    env: { ...dirs.env, CLAUDE_PID: '424242', ...env },
    encoding: 'utf8',
  });

function preToolUses(session: string): string[] {
  const db = openDatabase(path.join(dirs.home, 'ledger.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT tool_use_id AS id FROM events WHERE kind = 'PreToolUse' AND session_id = ? ORDER BY seq`).all(session) as Array<{ id: string }>).map((r) => r.id);
  } finally {
    db.close();
  }
}

describe('the async fallback of a plain tool call', () => {
  it('records the call while the server is down, and tells the model of a call the breaker would have refused', () => {
    const s = { session: 'sess-async', cwd: dirs.project };
    // Three identical failures in a row (the default breaker's limit), through the command hook.
    for (let i = 1; i <= 3; i++) {
      const id = `toolu_fail_${i}`;
      expect(runHook(JSON.stringify(hookPayload('PreToolUse', { ...s, toolUseId: id }, { tool_input: { command: 'make deploy' } })), dirs.env).status).toBe(0);
      expect(runHook(JSON.stringify(hookPayload('PostToolUseFailure', { ...s, toolUseId: id }, { tool_input: { command: 'make deploy' }, error: 'Exit code 2: deploy failed' })), dirs.env).status).toBe(0);
    }
    // A call in another session while no server has announced itself: recorded, nothing said, exit 0.
    const plain = fallback(hookPayload('PreToolUse', { session: 'sess-other', cwd: dirs.project, toolUseId: 'toolu_ls' }));
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout + plain.stderr).toBe('');
    // The same failing call again: it went ahead (async), so the model is told, with the way out.
    const late = fallback(hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_fail_4' }, { tool_input: { command: 'make deploy' } }));
    expect(late.status).toBe(2);
    expect(late.stdout).toBe('');
    expect(late.stderr).toMatch(/^agent-warden: /);
    expect(late.stderr).toContain('breaker reset call:');
    expect(late.stderr).toContain("agent-warden's server was not running, so this call went ahead");
    expect(preToolUses('sess-other')).toEqual(['toolu_ls']);
    expect(preToolUses('sess-async')).toEqual(['toolu_fail_1', 'toolu_fail_2', 'toolu_fail_3', 'toolu_fail_4']);
  });

  it('exits at once and records nothing while the server is up (the server records the call)', () => {
    // The heartbeat names a live process: this test's own.
    const fs = require('node:fs') as typeof import('node:fs');
    fs.mkdirSync(path.join(dirs.home, 'resident'), { recursive: true });
    fs.writeFileSync(path.join(dirs.home, 'resident', '515151'), `${process.pid}\n`);
    const r = fallback(hookPayload('PreToolUse', { session: 'sess-up', cwd: dirs.project, toolUseId: 'toolu_up' }), { CLAUDE_PID: '515151' });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
    expect(preToolUses('sess-up')).toEqual([]);
  });
});

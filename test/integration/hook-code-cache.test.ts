/**
 * Issue 20: dist/hook.cjs compiles the hook's bundle (dist/hook-body.cjs) from V8's code cache,
 * kept under <warden home>/cache/. Real processes: the first hook makes the cache, later hooks
 * use it, a damaged or foreign cache is refused by V8 and replaced, and a home where the cache
 * cannot be written still gets every event recorded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/ledger/driver';
import { hookPayload, makeWardenDirs, runHook, type WardenDirs } from '../support/hook-runner';

const dirs: WardenDirs[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

const caches = (d: WardenDirs) => (fs.existsSync(path.join(d.home, 'cache')) ? fs.readdirSync(path.join(d.home, 'cache')).filter((f) => f.startsWith('hook-')) : []);

function recorded(d: WardenDirs): string[] {
  const db = openDatabase(path.join(d.home, 'ledger.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT tool_use_id FROM events WHERE kind = 'PreToolUse' ORDER BY seq`).all() as { tool_use_id: string }[]).map((r) => r.tool_use_id);
  } finally {
    db.close();
  }
}

describe('the command hook code cache', () => {
  it('is made by the first hook, used by the next, and replaced when damaged', () => {
    const d = makeWardenDirs('code-cache');
    dirs.push(d);
    const call = (id: string) => runHook(JSON.stringify(hookPayload('PreToolUse', { session: 'cc', cwd: d.project, toolUseId: id })), d.env);
    expect(call('toolu_cc_1')).toMatchObject({ status: 0, stderr: '' });
    const [cache] = caches(d);
    expect(cache).toMatch(/^hook-v\d+.*\.v8$/);
    const file = path.join(d.home, 'cache', cache!);
    const made = fs.statSync(file);
    expect(made.mode & 0o777).toBe(0o600);
    expect(call('toolu_cc_2')).toMatchObject({ status: 0, stderr: '' });
    expect(fs.statSync(file).mtimeMs, 'used, not made again').toBe(made.mtimeMs);

    fs.writeFileSync(file, Buffer.alloc(made.size, 7));
    expect(call('toolu_cc_3')).toMatchObject({ status: 0, stderr: '' });
    expect(fs.readFileSync(file).equals(Buffer.alloc(made.size, 7)), 'the damaged cache was replaced').toBe(false);
    // A cache left by an earlier build is removed when a new one is made.
    fs.writeFileSync(path.join(d.home, 'cache', 'hook-v0-old.v8'), 'old');
    fs.rmSync(file);
    expect(call('toolu_cc_4')).toMatchObject({ status: 0, stderr: '' });
    expect(caches(d)).toEqual([cache]);
    expect(recorded(d)).toEqual(['toolu_cc_1', 'toolu_cc_2', 'toolu_cc_3', 'toolu_cc_4']);
  });

  it('a cache folder that cannot be written: every event is still recorded', () => {
    const d = makeWardenDirs('code-cache-ro');
    dirs.push(d);
    fs.mkdirSync(d.home, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(d.home, 'cache'), 'a file where the folder would be');
    for (const id of ['toolu_ro_1', 'toolu_ro_2']) expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: 'ro', cwd: d.project, toolUseId: id })), d.env)).toMatchObject({ status: 0, stderr: '' });
    expect(recorded(d)).toEqual(['toolu_ro_1', 'toolu_ro_2']);
  });
});

/**
 * A real ledger whose pages are damaged after it was created (bytes overwritten in the middle of the
 * file): opening still succeeds, so the damage shows only when a statement reaches a bad page.
 * The hook must then move the file aside, start a fresh ledger and replay what was spooled; doctor
 * must see it with quick_check, and `doctor --fix` must do the move on demand and say where to.
 */
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/db';
import { spoolEvent } from '../../src/ledger/spool';
import { REPO, hookPayload, makeWardenDirs, runHook, type WardenDirs } from '../support/hook-runner';

const CLI = path.join(REPO, 'dist', 'cli.cjs');
const SESSION = 'corrupt-s';
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function dirs(label: string): WardenDirs {
  const d = makeWardenDirs(label);
  cleanups.push(d.cleanup);
  return d;
}

/** A ledger with a few thousand events (uids spread over the whole index), then damaged pages. */
function damagedLedger(d: WardenDirs): string {
  const file = path.join(d.home, 'ledger.db');
  const db = openLedger({ path: file });
  const insert = db.prepare(`INSERT INTO events (uid, received_at, kind, session_id, project, tool_name, tool_use_id, source, payload) VALUES (?, ?, 'PreToolUse', ?, ?, 'Bash', ?, 'command', ?)`);
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      const n = (i * 7919) % 3000; // spread the uids so new ones land between old ones
      insert.run(`PreToolUse:${SESSION}:toolu_${String(n).padStart(5, '0')}x`, 1_700_000_000_000 + i, SESSION, d.project, `toolu_${n}x`, JSON.stringify({ tool_input: { command: 'x'.repeat(300) } }));
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = fs.statSync(file).size;
  expect(size).toBeGreaterThan(1024 * 1024);
  const fd = fs.openSync(file, 'r+');
  // Overwrite the middle 60% of the file: page 1 (header and schema) stays intact, so it still opens.
  fs.writeSync(fd, Buffer.alloc(Math.floor(size * 0.6), 0xa5), 0, Math.floor(size * 0.6), Math.floor(size * 0.2));
  fs.closeSync(fd);
  const probe = openDatabase(file, { readonly: true });
  expect(probe.pragma('user_version', { simple: true })).toBeGreaterThan(0); // opening works
  probe.close();
  return file;
}

const asideFiles = (d: WardenDirs) => fs.readdirSync(d.home).filter((f) => /^ledger\.db\.corrupt-\d+$/.test(f));
const pre = (d: WardenDirs, n: number) => JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: `toolu_${String(n).padStart(5, '0')}y` }));
const uidsIn = (file: string) => {
  const db = openDatabase(file, { readonly: true });
  try {
    return (db.prepare(`SELECT uid FROM events ORDER BY seq`).all() as { uid: string }[]).map((r) => r.uid);
  } finally {
    db.close();
  }
};
const spooled = (d: WardenDirs) => (fs.existsSync(path.join(d.home, 'spool')) ? fs.readdirSync(path.join(d.home, 'spool')).filter((f) => f.endsWith('.json')) : []);

describe('damaged pages in the ledger', () => {
  it('the hook notices SQLITE_CORRUPT after a successful open: the file is moved aside, a fresh ledger starts, spooled events are replayed', () => {
    const d = dirs('pages');
    const file = damagedLedger(d);
    // An event spooled earlier (e.g. while the damage made writes fail) must reach the fresh ledger.
    spoolEvent({ uid: `PreToolUse:${SESSION}:toolu_00001y`, receivedAt: Date.now() - 1000, project: d.project, event: JSON.parse(pre(d, 1)), why: 'test' }, path.join(d.home, 'spool'));
    const run = runHook(pre(d, 1500), d.env);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/moved it to .*ledger\.db\.corrupt-\d+/);
    expect(asideFiles(d)).toHaveLength(1);
    const uids = uidsIn(file);
    expect(uids).toContain(`PreToolUse:${SESSION}:toolu_01500y`);
    expect(uids).toContain(`PreToolUse:${SESSION}:toolu_00001y`);
    expect(spooled(d)).toEqual([]);
    // And the next hook just records.
    expect(runHook(pre(d, 1501), d.env).status).toBe(0);
    expect(uidsIn(file)).toContain(`PreToolUse:${SESSION}:toolu_01501y`);
    expect(asideFiles(d)).toHaveLength(1);
  });

  it('doctor runs quick_check and says how to fix it; `doctor --fix` moves the file aside, says where, and replays the spool', () => {
    const d = dirs('doctor');
    const file = damagedLedger(d);
    const check = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { env: d.env, cwd: d.project, encoding: 'utf8', timeout: 60_000 });
    expect(check.status).toBe(1);
    const ledger = JSON.parse(check.stdout).checks.find((c: any) => c.name === 'ledger');
    expect(ledger.ok).toBe(false);
    expect(ledger.detail).toMatch(/damaged|quick_check/);
    expect(ledger.fix).toContain('agent-warden doctor --fix');
    expect(asideFiles(d)).toEqual([]); // doctor alone changes nothing

    spoolEvent({ uid: `PreToolUse:${SESSION}:toolu_00002y`, receivedAt: Date.now(), project: d.project, event: JSON.parse(pre(d, 2)), why: 'test' }, path.join(d.home, 'spool'));
    const fix = spawnSync(process.execPath, [CLI, 'doctor', '--fix'], { env: d.env, cwd: d.project, encoding: 'utf8', timeout: 60_000 });
    const aside = asideFiles(d);
    expect(aside).toHaveLength(1);
    expect(fix.stdout + fix.stderr).toContain(path.join(d.home, aside[0]!));
    expect(uidsIn(file)).toEqual([`PreToolUse:${SESSION}:toolu_00002y`]);
    expect(spooled(d)).toEqual([]);
    const after = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { env: d.env, cwd: d.project, encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(after.stdout).checks.find((c: any) => c.name === 'ledger').ok).toBe(true);
  });

  it('`doctor --fix` on a sound ledger moves nothing and says so', () => {
    const d = dirs('sound');
    expect(runHook(pre(d, 1), d.env).status).toBe(0);
    const fix = spawnSync(process.execPath, [CLI, 'doctor', '--fix'], { env: d.env, cwd: d.project, encoding: 'utf8', timeout: 60_000 });
    expect(fix.stdout + fix.stderr).toMatch(/sound|nothing to fix/i);
    expect(asideFiles(d)).toEqual([]);
  });
});

/**
 * Faults around the real command hook (`node dist/hook.cjs`): a ledger locked by another process,
 * kill -9 mid-write, a read-only home, a full disk, a corrupt database. Each time the hook fails
 * open (exit 0, one stderr line, no output), the event is spooled, and it reaches the ledger later
 * (the next hook or `agent-warden ledger ingest`); doctor says what happened.
 * Build first: `node scripts/build.mjs`.
 */
import { chooseDriver, openDatabase } from '../../src/ledger/driver';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/db';
import { rebuildProjections, snapshotProjections } from '../../src/ledger/rebuild';
import { fallbackSpoolDir, spooledFiles } from '../../src/ledger/spool';
import { HOOK, REPO, hookPayload, makeWardenDirs, runHook, runHookAsync, type WardenDirs } from '../support/hook-runner';
import { CLI } from '../support/warden';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function dirs(label: string, base?: string): WardenDirs {
  const d = makeWardenDirs(label, base);
  cleanups.push(d.cleanup);
  return d;
}
const spec = (d: WardenDirs, n: number) => ({ session: 'fault-s', cwd: d.project, toolUseId: `toolu_${n}` });
const pre = (d: WardenDirs, n: number, extra: Record<string, unknown> = {}) => JSON.stringify(hookPayload('PreToolUse', spec(d, n), extra));
const uidOf = (n: number) => `PreToolUse:fault-s:toolu_${n}`;

function storedUids(d: WardenDirs): string[] {
  const db = openDatabase(path.join(d.home, 'ledger.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT uid FROM events WHERE kind = 'PreToolUse' ORDER BY uid`).all() as { uid: string }[]).map((r) => r.uid);
  } finally {
    db.close();
  }
}
function spoolOf(d: WardenDirs): string[] {
  return [path.join(d.home, 'spool'), fallbackSpoolDir(d.home)].flatMap((dir) => spooledFiles(dir));
}
function doctor(d: WardenDirs): Record<string, { ok: boolean; detail: string }> {
  const r = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { env: d.env, encoding: 'utf8', cwd: d.project });
  return Object.fromEntries(JSON.parse(r.stdout).checks.map((c: any) => [c.name, c]));
}
/** Failing open: exit 0, nothing on stdout, exactly one line on stderr. */
function expectFailedOpen(run: ReturnType<typeof runHook>) {
  expect(run.signal, 'the hook hung past its timeout').toBeNull();
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(/^agent-warden: /);
}

/** Holds the ledger's write lock (or, exclusive, every lock) in another process for `ms`. */
function holdLock(file: string, ms: number, exclusive: boolean): Promise<() => Promise<void>> {
  const script = `
    // The same driver the hooks use on this Node: node:sqlite where it exists, better-sqlite3 otherwise.
    const db = ${JSON.stringify(chooseDriver())} === 'node:sqlite'
      ? new (process.getBuiltinModule('node:sqlite').DatabaseSync)(process.argv[1])
      : new (require(${JSON.stringify(path.join(REPO, 'node_modules', 'better-sqlite3'))}))(process.argv[1]);
    if (${exclusive}) db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN IMMEDIATE'); db.exec("UPDATE sessions SET events = events WHERE 0");
    db.prepare("INSERT INTO events (uid, received_at, kind, source, payload) VALUES ('lock-probe', 0, 'probe', 'test', 'null')").run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec('ROLLBACK'); db.close();`;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve) => child.stdout.once('data', () => resolve(() => exited)));
}

function mountTmpfs(at: string, size: string): string | undefined {
  fs.mkdirSync(at, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', at], { encoding: 'utf8' });
  if (r.status !== 0) return `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`;
  cleanups.push(() => spawnSync('umount', ['-l', at]));
  return undefined;
}
const canMount = (() => {
  const probe = fs.mkdtempSync('/tmp/aw-mount-probe-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (r.status === 0) spawnSync('umount', [probe]);
  fs.rmdirSync(probe);
  return r.status === 0;
})();

describe('faults', () => {
  it('builds first', () => expect(fs.existsSync(HOOK), 'run `node scripts/build.mjs`').toBe(true));

  for (const exclusive of [false, true]) {
    it(`a ledger ${exclusive ? 'exclusively locked (no readers either)' : 'write-locked'} by another process for 10 s: the hook spools within its timeout and exits 0; the next hook replays`, async () => {
      const d = dirs('lock');
      expect(runHook(pre(d, 1), d.env).status).toBe(0); // the ledger exists
      const release = await holdLock(path.join(d.home, 'ledger.db'), 10_000, exclusive);
      // Claude Code kills a PreToolUse hook at 10 s: the hook must be done before that.
      const run = runHook(pre(d, 2), d.env, 10_000);
      expectFailedOpen(run);
      expect(run.stderr).toContain('spooled');
      expect(spoolOf(d)).toHaveLength(1);
      const report = doctor(d);
      expect(report.spool!.detail).toContain('1 events waiting');
      expect(report['recent trouble']!.detail).toContain('spooled');
      await release();
      expect(runHook(pre(d, 3), d.env).status).toBe(0);
      expect(spoolOf(d)).toEqual([]);
      expect(storedUids(d)).toEqual([uidOf(1), uidOf(2), uidOf(3)]);
    });
  }

  it('kill -9 in the middle of writes: the ledger stays sound, survivors are stored once, projections equal a rebuild', async () => {
    const d = dirs('kill');
    expect(runHook(pre(d, 0), d.env).status).toBe(0);
    const big = 'z'.repeat(300_000); // long enough that some kills land mid-transaction
    const runs = Array.from({ length: 40 }, (_, i) => {
      const run = runHookAsync(pre(d, i + 1, { tool_input: { command: `echo ${i} ${big}` } }), d.env);
      if (i % 3 === 0) setTimeout(() => (run as any).child.kill('SIGKILL'), 40 + ((i * 37) % 200));
      return run;
    });
    const results = await Promise.all(runs);
    const killed = results.filter((r) => r.signal === 'SIGKILL').length;
    expect(killed).toBeGreaterThan(0);
    for (const r of results) if (r.signal === null) expect(r.status).toBe(0);
    // Whatever was spooled by a survivor is replayed by the next hook.
    expect(runHook(pre(d, 999), d.env).status).toBe(0);
    const uids = storedUids(d);
    expect(new Set(uids).size).toBe(uids.length);
    results.forEach((r, i) => {
      if (r.signal === null) expect(uids).toContain(uidOf(i + 1));
    });
    const db = openLedger({ path: path.join(d.home, 'ledger.db') });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const live = snapshotProjections(db);
      rebuildProjections(db, { pricing: {} });
      expect(snapshotProjections(db)).toEqual(live);
    } finally {
      db.close();
    }
  });

  it('a corrupt ledger is moved aside as ledger.db.corrupt-<time>, a new one starts, and doctor lists it', () => {
    const d = dirs('corrupt');
    expect(runHook(pre(d, 1), d.env).status).toBe(0);
    const file = path.join(d.home, 'ledger.db');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 'not a database '), { mode: 0o600 });
    const run = runHook(pre(d, 2), d.env);
    expectFailedOpen(run);
    expect(run.stderr).toContain('moved it to');
    const aside = fs.readdirSync(d.home).filter((f) => /^ledger\.db\.corrupt-\d+$/.test(f));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(d.home, aside[0]!)).subarray(0, 15).toString()).toBe('not a database ');
    expect(storedUids(d)).toEqual([uidOf(2)]);
    expect(spoolOf(d)).toEqual([]);
    const report = doctor(d);
    expect(report['damaged ledgers']!.ok).toBe(false);
    expect(report['damaged ledgers']!.detail).toContain(aside[0]);
    expect(report.ledger!.detail).toContain('integrity ok');
  });

  it.skipIf(!canMount)('a read-only home: the hook spools to the private fallback; `ledger ingest` replays it once the home is writable', () => {
    const root = fs.mkdtempSync('/tmp/aw-ro-');
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const mnt = path.join(root, 'mnt');
    expect(mountTmpfs(mnt, '8m')).toBeUndefined();
    const d = dirs('ro', mnt);
    expect(runHook(pre(d, 1), d.env).status).toBe(0);
    expect(spawnSync('mount', ['-o', 'remount,ro', mnt]).status).toBe(0);
    const run = runHook(pre(d, 2), d.env);
    expectFailedOpen(run);
    const fallback = spooledFiles(fallbackSpoolDir(d.home));
    expect(fallback).toHaveLength(1);
    expect(fs.statSync(path.dirname(fallback[0]!)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(fallback[0]!).mode & 0o777).toBe(0o600);
    expect(spawnSync('mount', ['-o', 'remount,rw', mnt]).status).toBe(0);
    const ingest = execFileSync(process.execPath, [CLI, 'ledger', 'ingest', '--json'], { env: d.env, cwd: d.project, encoding: 'utf8' });
    expect(JSON.parse(ingest)).toEqual({ waiting: 1, ingested: 1 });
    expect(spoolOf(d)).toEqual([]);
    expect(storedUids(d)).toEqual([uidOf(1), uidOf(2)]);
  });

  it.skipIf(!canMount)('a full disk: the hook spools to the fallback and exits 0; the next hook after space frees up replays', () => {
    const root = fs.mkdtempSync('/tmp/aw-full-');
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const mnt = path.join(root, 'mnt');
    expect(mountTmpfs(mnt, '3m')).toBeUndefined();
    const d = dirs('full', mnt);
    expect(runHook(pre(d, 1), d.env).status).toBe(0);
    const filler = path.join(mnt, 'filler');
    const fd = fs.openSync(filler, 'w');
    try {
      for (;;) fs.writeSync(fd, Buffer.alloc(64 * 1024, 1));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    const run = runHook(pre(d, 2, { tool_input: { command: `echo ${'q'.repeat(600_000)}` } }), d.env);
    expectFailedOpen(run);
    expect(run.stderr).toMatch(/full|ENOSPC|spooled/i);
    expect(spooledFiles(fallbackSpoolDir(d.home))).toHaveLength(1);
    fs.rmSync(filler);
    expect(runHook(pre(d, 3), d.env).status).toBe(0);
    expect(spoolOf(d)).toEqual([]);
    expect(storedUids(d)).toEqual([uidOf(1), uidOf(2), uidOf(3)]);
  });
});

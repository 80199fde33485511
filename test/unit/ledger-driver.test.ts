// Issue 17: the one ledger driver interface, on real SQLite files, with the driver this Node
// runs (node:sqlite on Node >= 22.13, better-sqlite3 on Node 20; .ci/run runs this file on both).
// What the rest of the code relies on: WAL, the busy timeout, file modes, migrations,
// transactions with savepoints, better-sqlite3's statement shape and its SQLITE_* error codes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openLedger, schemaVersion } from '../../src/ledger/db';
import { chooseDriver, openDatabase } from '../../src/ledger/driver';
import { nodeSqliteAvailable } from '../../src/ledger/driver-node';
import { latestVersion } from '../../src/ledger/migrations';
import { makeTempDir } from '../support/sandbox';
import { CLI, HOOK } from '../support/warden';

const dir = makeTempDir('driver');
afterAll(() => dir.cleanup());
let n = 0;
const fresh = () => path.join(dir.path, `d${++n}`, 'ledger.db');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

describe(`the ledger driver on Node ${process.version}`, () => {
  it('is node:sqlite from Node 22.13 on, better-sqlite3 before', () => {
    const expected = major > 22 || (major === 22 && minor >= 13) ? 'node:sqlite' : 'better-sqlite3';
    expect(nodeSqliteAvailable()).toBe(expected === 'node:sqlite');
    expect(chooseDriver()).toBe(expected);
    expect(chooseDriver({ AGENT_WARDEN_SQLITE_DRIVER: 'better-sqlite3' })).toBe('better-sqlite3');
    expect(nodeSqliteAvailable({ node: '22.12.0' } as NodeJS.ProcessVersions)).toBe(false);
    expect(nodeSqliteAvailable({ node: '22.13.0' } as NodeJS.ProcessVersions)).toBe(true);
    expect(nodeSqliteAvailable({ node: '20.20.2' } as NodeJS.ProcessVersions)).toBe(false);
  });

  it('opens the ledger in WAL with the busy timeout asked for, 0600 in 0700, migrated to the latest schema', () => {
    const file = fresh();
    const db = openLedger({ path: file, busyTimeoutMs: 1234 });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(schemaVersion(db)).toBe(latestVersion);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    } finally {
      db.close();
    }
    expect(db.open).toBe(false);
    // Reopening finds the schema current and migrates nothing.
    const again = openLedger({ path: file });
    expect(schemaVersion(again)).toBe(latestVersion);
    again.close();
  });

  it('a reader never creates the ledger: a missing file reads as an empty, migrated ledger', () => {
    const file = fresh();
    const db = openLedger({ path: file, readonly: true });
    expect(schemaVersion(db)).toBe(latestVersion);
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    db.close();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('statements: run, get, all, iterate, pluck, named parameters, undefined bound as NULL', () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, note TEXT)');
    const insert = db.prepare('INSERT INTO t (name, note) VALUES (@name, @note)');
    expect(insert.run({ name: 'a', note: 'x' })).toMatchObject({ changes: 1 });
    expect(Number(insert.run({ name: 'b', note: undefined }).lastInsertRowid)).toBe(2);
    expect(db.prepare('INSERT INTO t (name, note) VALUES (?, ?)').run('c', undefined).changes).toBe(1);
    expect({ ...(db.prepare('SELECT name, note FROM t WHERE id = ?').get(1) as object) }).toEqual({ name: 'a', note: 'x' });
    expect(db.prepare('SELECT name FROM t WHERE id = ?').get(99)).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM t WHERE note IS NULL').pluck().get()).toBe(2);
    expect(db.prepare('SELECT name FROM t ORDER BY id').pluck().all()).toEqual(['a', 'b', 'c']);
    expect([...db.prepare('SELECT name FROM t WHERE id > ? ORDER BY id').pluck().iterate(1)]).toEqual(['b', 'c']);
    expect([...db.prepare('SELECT id, name FROM t ORDER BY id DESC LIMIT 1').iterate()].map((r) => ({ ...(r as object) }))).toEqual([{ id: 3, name: 'c' }]);
    expect((db.pragma('table_info(t)') as { name: string }[]).map((c) => c.name)).toEqual(['id', 'name', 'note']);
    // One parameter object for several statements: keys a statement does not use are ignored.
    expect(db.prepare('SELECT count(*) FROM t WHERE id > @since').pluck().get({ since: 1, project: null })).toBe(2);
    db.close();
  });

  it('has the percentile aggregate the reports use, with SQLite\'s definition', () => {
    const db = openDatabase(':memory:');
    const q = (sql: string) => ({ ...(db.prepare(sql).get() as object) });
    expect(q('WITH t(v) AS (VALUES (1), (2), (10), (NULL)) SELECT percentile(v, 50) AS a, percentile(v, 95) AS b, percentile(v, 0) AS c FROM t')).toEqual({ a: 2, b: 9.2, c: 1 });
    expect(q('SELECT percentile(v, 50) AS a FROM (SELECT 1 AS v WHERE 0)')).toEqual({ a: null });
    db.close();
  });

  it('transactions: immediate commits, a throw rolls back, a nested one is a savepoint', () => {
    const db = openLedger({ path: fresh() });
    db.exec('CREATE TABLE t (v TEXT)');
    const add = db.prepare('INSERT INTO t VALUES (?)');
    const count = () => db.prepare('SELECT count(*) FROM t').pluck().get();
    expect(db.transaction((v: string) => (add.run(v), 'done')).immediate('one')).toBe('done');
    expect(count()).toBe(1);
    expect(() => db.transaction(() => {
      add.run('two');
      throw new Error('boom');
    }).immediate()).toThrow('boom');
    expect(count()).toBe(1);
    const inner = db.transaction(() => {
      add.run('inner');
      throw new Error('inner fails');
    });
    db.transaction(() => {
      add.run('outer');
      expect(() => inner()).toThrow('inner fails');
    }).immediate();
    expect(db.prepare('SELECT v FROM t ORDER BY rowid').pluck().all()).toEqual(['one', 'outer']);
    db.close();
  });

  it('errors carry better-sqlite3 codes: constraint, busy, not a database', () => {
    const file = fresh();
    const a = openLedger({ path: file });
    a.exec('CREATE TABLE u (k TEXT UNIQUE)');
    a.prepare('INSERT INTO u VALUES (?)').run('k');
    expect(codeOf(() => a.prepare('INSERT INTO u VALUES (?)').run('k'))).toMatch(/^SQLITE_CONSTRAINT/);
    const b = openLedger({ path: file, busyTimeoutMs: 0 });
    a.transaction(() => {
      a.prepare('INSERT INTO u VALUES (?)').run('held');
      expect(codeOf(() => b.transaction(() => b.prepare('INSERT INTO u VALUES (?)').run('other')).immediate())).toMatch(/^SQLITE_BUSY/);
    }).immediate();
    b.transaction(() => b.prepare('INSERT INTO u VALUES (?)').run('after')).immediate();
    a.close();
    b.close();

    const junk = fresh();
    fs.mkdirSync(path.dirname(junk), { recursive: true });
    fs.writeFileSync(junk, 'this is not a database file, only text that is long enough to have a header '.repeat(20));
    expect(codeOf(() => openDatabase(junk).prepare('SELECT 1 FROM sqlite_master').get())).toMatch(/^SQLITE_NOTADB/);
  });

  it('the built hook and CLI print nothing about SQLite, and other warnings still show', () => {
    const home = makeTempDir('driver-home');
    try {
      const preload = path.join(home.path, 'probe-warning.cjs');
      fs.writeFileSync(preload, `setTimeout(() => process.emitWarning('probe: some other feature is experimental', 'ExperimentalWarning'), 0);\n`);
      const env = { ...process.env, AGENT_WARDEN_HOME: home.path, NO_COLOR: '1' };
      const event = JSON.stringify({ hook_event_name: 'SessionStart', session_id: 'drv-s1', cwd: home.path, source: 'startup' });
      const hook = spawnSync(process.execPath, [HOOK], { input: event, env, encoding: 'utf8' });
      expect(hook.status).toBe(0);
      expect(hook.stderr).toBe('');
      const doctor = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { env: { ...env, NODE_OPTIONS: `--require ${preload}` }, encoding: 'utf8' });
      expect(doctor.stderr).not.toMatch(/SQLite is an experimental/);
      expect(doctor.stderr).toContain('probe: some other feature is experimental');
      const check = JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === 'sqlite driver');
      expect(check.ok).toBe(true);
      expect(check.detail).toMatch(new RegExp(`^${chooseDriver()} \\(.*; SQLite 3\\.\\d+\\.\\d+\\)$`));
    } finally {
      home.cleanup();
    }
  });
});

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return String((err as { code?: string }).code);
  }
  return 'no error';
}

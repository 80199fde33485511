// Every schema a user may still have on disk upgrades to the current one without losing an event,
// and the projections rebuilt after the upgrade equal those of a ledger that started on the newest
// schema. The loop covers each migration ever shipped, so a new one is tested from every earlier
// schema without touching this file.
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestVersion, migrations } from '../../src/ledger/migrations';
import { loadFixtureRun, type FixtureRun } from '../support/fixtures';
import { runCli, runHook } from '../support/warden';

const EVENT_COLUMNS = ['seq', 'uid', 'received_at', 'kind', 'session_id', 'project', 'agent_id', 'tool_name', 'tool_use_id', 'source', 'payload'];

function schemaOf(file: string): string[] {
  const db = openDatabase(file, { readonly: true });
  try {
    return (db.prepare(`SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS s FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).all() as { s: string }[]).map((r) => r.s.replace(/\s+/g, ' '));
  } finally {
    db.close();
  }
}

function projections(file: string): Record<string, unknown[]> {
  const db = openDatabase(file, { readonly: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('events') AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'id');
      out[table] = db.prepare(`SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${cols.join(', ')}`).all();
    }
    return out;
  } finally {
    db.close();
  }
}

describe('ledger migrations', () => {
  let run: FixtureRun;
  let current: { file: string; events: unknown[][]; projections: Record<string, unknown[]> };

  beforeAll(() => {
    // A ledger written by today's hook from the captured Claude Code session: the reference.
    run = loadFixtureRun('hooks-dispatch');
    const home = path.join(run.path, 'current');
    for (const p of run.payloads) expect(runHook(p.text, home, { cwd: run.path }).status).toBe(0);
    // SessionEnd starts a background count of exact prompt tokens; doing it now leaves it nothing to add later.
    expect(runCli(['ledger', 'count-tokens'], home).status).toBe(0);
    expect(runCli(['ledger', 'rebuild'], home).status).toBe(0);
    const file = path.join(home, 'ledger.db');
    const db = openDatabase(file, { readonly: true });
    const events = db.prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM events ORDER BY seq`).all().map((r) => Object.values(r as object)) as unknown[][];
    db.close();
    expect(events.length).toBeGreaterThan(20);
    current = { file, events, projections: projections(file) };
  });
  afterAll(() => run?.cleanup());

  const earlier = [0, ...migrations.map((m) => m.version).filter((v) => v < latestVersion)];
  it.each(earlier)('a ledger at schema %i upgrades to the newest, keeps every event, and rebuilds to the same projections', (version) => {
    const home = path.join(run.path, `from-${version}`);
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const file = path.join(home, 'ledger.db');
    const old = openDatabase(file);
    for (const m of migrations) if (m.version <= version) old.exec(m.sql);
    old.pragma(`user_version = ${version}`);
    if (version > 0) {
      const insert = old.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
      old.transaction(() => current.events.forEach((row) => insert.run(...row)))();
    }
    old.close();

    // A write command opens the ledger the way every hook does, which migrates it.
    const rebuilt = runCli(['ledger', 'rebuild'], home);
    expect(rebuilt.stderr).not.toMatch(/internal error|at .*\.cjs/);
    expect(rebuilt.status).toBe(0);

    const db = openDatabase(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    const kept = db.prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM events ORDER BY seq`).all().map((r) => Object.values(r as object));
    db.close();
    expect(schemaOf(file)).toEqual(schemaOf(current.file));
    if (version === 0) {
      expect(kept).toEqual([]);
      return;
    }
    expect(kept).toEqual(current.events);
    expect(projections(file)).toEqual(current.projections);
  });
});

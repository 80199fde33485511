/**
 * 16 processes × 50 rounds of the real `node dist/hook.cjs` against one NEW ledger (nobody created
 * it first, so the processes race to create it): every event is stored exactly once, no error is
 * surfaced, nothing is left in the spool, projections equal a rebuild. Files are private.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/db';
import { rebuildProjections, snapshotProjections } from '../../src/ledger/rebuild';
import { fallbackSpoolDir, spooledFiles } from '../../src/ledger/spool';
import { HOOK, hookPayload, makeWardenDirs, runHookAsync } from '../support/hook-runner';

const d = makeWardenDirs('concurrent');
afterAll(() => d.cleanup());

it('16 concurrent hook processes × 50 rounds into a new ledger: each event stored once, no error surfaced', async () => {
  expect(fs.existsSync(HOOK), 'run `node scripts/build.mjs`').toBe(true);
  const PROCS = 16;
  const ROUNDS = 50;
  for (let round = 0; round < ROUNDS; round++) {
    const runs = await Promise.all(
      Array.from({ length: PROCS }, (_, p) => {
        // Four sessions, each with parallel agents: hooks of one session interleave.
        const spec = { session: `conc-${p % 4}`, cwd: d.project, toolUseId: `toolu_${p}_${round}`, agentId: p % 2 ? `agent-${p}` : undefined };
        // No failures and no budgets: nothing may be denied.
        return runHookAsync(JSON.stringify(hookPayload(round % 5 === 4 ? 'PostToolUse' : 'PreToolUse', spec)), d.env);
      }),
    );
    for (const r of runs) {
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      if (r.stdout) expect(JSON.parse(r.stdout).hookSpecificOutput?.permissionDecision, r.stdout).toBeUndefined();
    }
  }
  expect([...spooledFiles(path.join(d.home, 'spool')), ...spooledFiles(fallbackSpoolDir(d.home))]).toEqual([]);
  const db = openLedger({ path: path.join(d.home, 'ledger.db') });
  try {
    const rows = db.prepare(`SELECT uid, count(*) AS n FROM events WHERE kind IN ('PreToolUse', 'PostToolUse') GROUP BY uid`).all() as { n: number }[];
    expect(rows).toHaveLength(PROCS * ROUNDS);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const live = snapshotProjections(db);
    rebuildProjections(db, { pricing: {} });
    expect(snapshotProjections(db)).toEqual(live);
  } finally {
    db.close();
  }
  // Private files: the ledger and its WAL 0600 in a 0700 home.
  expect(fs.statSync(d.home).mode & 0o777).toBe(0o700);
  for (const f of ['ledger.db', 'ledger.db-wal', 'ledger.db-shm']) {
    const file = path.join(d.home, f);
    if (fs.existsSync(file)) expect(fs.statSync(file).mode & 0o777, f).toBe(0o600);
  }
}, 300_000);

it('spool files are 0600 in a 0700 directory, the log 0600', () => {
  // The ledger path is a directory here, so the hook cannot open it and spools.
  const s = makeWardenDirs('modes');
  try {
    fs.mkdirSync(path.join(s.home, 'ledger.db'), { recursive: true });
    fs.chmodSync(s.home, 0o755); // a loose home is tightened on first write
    const run = require('node:child_process').spawnSync(process.execPath, [HOOK], { input: JSON.stringify(hookPayload('Stop', { session: 'm', cwd: s.project })), env: s.env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const files = spooledFiles(path.join(s.home, 'spool'));
    expect(files).toHaveLength(1);
    expect(fs.statSync(path.join(s.home, 'spool')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(files[0]!).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(s.home, 'warden.log')).mode & 0o777).toBe(0o600);
  } finally {
    s.cleanup();
  }
}, 300_000);

/**
 * `agent-warden import` reads transcripts in a worker thread while it writes the ledger
 * (src/importer/prefetch.ts). What the thread hands over must be what the importer would have read
 * itself, read for read; and the ledger must come out the same whether the thread read every
 * session, some of them (the importer reads a session itself when the thread has not started it)
 * or none (a build without the thread's bundle).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST, REPO } from '../support/built';
import { loadFixtureRun } from '../support/fixtures';
import { makeTempDir } from '../support/sandbox';
import { cliJson, wardenEnv } from '../support/warden';
import { startPrefetch } from '../../src/importer/prefetch';
import { scanProjects } from '../../src/importer/scan';
import { readPlanned, type ReadPlan } from '../../src/importer/session-reads';
import { openLedger } from '../../src/ledger/db';
import { snapshotProjections } from '../../src/ledger/rebuild';

const temps: { cleanup(): void }[] = [];
afterAll(() => temps.forEach((t) => t.cleanup()));

const fixture = loadFixtureRun('hooks-dispatch');
temps.push(fixture);

/** A history of `count` sessions: the fixture's two sessions again and again, each copy under ids of its own. */
function history(count: number): string {
  const root = path.join(fixture.path, `history-${count}`, 'projects');
  const sessions = fs.readdirSync(fixture.transcriptsDir).filter((f) => f.endsWith('.jsonl')).map((f) => path.basename(f, '.jsonl'));
  for (let n = 0; n < count; n++) {
    const id = sessions[n % sessions.length]!;
    const as = `${id.slice(0, 24)}${String(n).padStart(12, '0')}`;
    const project = path.join(root, `-home-dev-app${n % 3}`);
    const sub = path.join(fixture.transcriptsDir, id, 'subagents');
    const agents = fs.existsSync(sub) ? fs.readdirSync(sub).flatMap((f) => /^agent-([0-9A-Za-z_-]+)\.jsonl$/.exec(f)?.[1] ?? []) : [];
    // Message, tool-use and agent ids made unique per copy, as distinct sessions have them.
    const ids = new RegExp(`\\b(msg_[0-9A-Za-z_]+|toolu_[0-9A-Za-z_]+${agents.map((a) => `|${a}`).join('')})\\b`, 'g');
    const rename = (text: string) => text.split(id).join(as).replace(ids, `$1x${n}`);
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, `${as}.jsonl`), rename(fs.readFileSync(path.join(fixture.transcriptsDir, `${id}.jsonl`), 'utf8')));
    if (agents.length === 0) continue;
    fs.mkdirSync(path.join(project, as, 'subagents'), { recursive: true });
    for (const f of fs.readdirSync(sub)) fs.writeFileSync(path.join(project, as, 'subagents', rename(f)), rename(fs.readFileSync(path.join(sub, f), 'utf8')));
  }
  return root;
}

describe("import's reading thread", () => {
  it('hands over, session by session, the very reads the importer makes itself, and checkpoints the ledger when asked', async () => {
    const sessions = scanProjects(history(6));
    expect(sessions).toHaveLength(6);
    // Every session from the start, and one from the middle of its main transcript (a session read before).
    const plans: ReadPlan[] = sessions.map((s, i) => ({
      sessionId: s.sessionId,
      main: { path: s.main.path, bytes: s.main.bytes, from: i === 3 ? Math.floor(s.main.bytes / 2) : 0 },
      agents: s.subagents.map((a) => ({ agentId: a.agentId, path: a.path })),
      bytes: s.bytes,
    }));
    expect(plans.some((p) => p.agents.length > 0)).toBe(true);
    // A ledger whose WAL holds pages the database file has not got yet (no auto-checkpoint).
    const home = makeTempDir('import-thread-ledger');
    temps.push(home);
    const file = path.join(home.path, 'ledger.db');
    const db = openLedger({ path: file });
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE filler (x BLOB)');
    const fill = db.prepare('INSERT INTO filler VALUES (randomblob(1000))');
    db.transaction(() => {
      for (let n = 0; n < 2000; n++) fill.run();
    })();
    const size = fs.statSync(file).size;
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(2000 * 1000);

    // The importer reads a session itself when the thread has not started it; here it always waits for the thread.
    const prefetch = startPrefetch(plans, 'redacted', { workerFile: path.join(DIST, 'import-reader.cjs'), claim: false, ledger: file });
    expect(prefetch, 'the thread starts (two cores or more)').toBeDefined();
    try {
      expect(prefetch!.checkpoint()).toBe(true);
      expect(prefetch!.take(plans.length)).toBeUndefined();
      for (const [i, plan] of plans.entries()) {
        const reads = prefetch!.take(i);
        expect(reads).toEqual(readPlanned(plan, 'redacted'));
        // The main transcript chunk by chunk, the last read where it ends; every subagent.
        expect(reads!.main.length).toBeGreaterThanOrEqual(2);
        expect(reads!.main.at(-1)!.usage.offsetEnd).toBe(plan.main.bytes);
        expect([...reads!.agents.keys()].sort()).toEqual(plan.agents.map((a) => a.agentId).sort());
      }
      // The pages reach the database file through the thread's own connection.
      for (let waited = 0; fs.statSync(file).size <= size && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(fs.statSync(file).size).toBeGreaterThan(size + 2000 * 1000);
    } finally {
      prefetch!.stop();
    }
    // Its connection closed first: the main one is the last and takes the WAL with it.
    db.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('leaves the same ledger as a build without it, and a second run adds nothing', () => {
    const projects = history(40);
    // The fresh build without the thread's bundle: the importer then reads every session itself.
    const bare = makeTempDir('import-no-thread');
    temps.push(bare);
    fs.cpSync(DIST, path.join(bare.path, 'dist'), { recursive: true });
    fs.rmSync(path.join(bare.path, 'dist', 'import-reader.cjs'));
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(bare.path, 'node_modules'));

    const threaded = makeTempDir('import-threaded');
    const alone = makeTempDir('import-alone');
    temps.push(threaded, alone);
    const first = cliJson(['import', '--projects-dir', projects], threaded.path);
    expect(first).toMatchObject({ sessions_seen: 40, sessions_imported: 40, dispatches_added: 80 });
    // Checkpointed, and the connections closed in order: no WAL left behind.
    expect(fs.existsSync(path.join(threaded.path, 'ledger.db-wal'))).toBe(false);
    const ran = spawnSync(process.execPath, [path.join(bare.path, 'dist', 'cli.cjs'), 'import', '--projects-dir', projects, '--json'], { cwd: REPO, env: wardenEnv(alone.path), encoding: 'utf8', timeout: 60_000 });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual({ ...first, mb_per_s: expect.anything() });
    expect(cliJson(['import', '--projects-dir', projects], threaded.path)).toMatchObject({ sessions_imported: 0, events_added: 0, dispatches_added: 0 });

    const [a, b] = [threaded, alone].map((home) => {
      const db = openLedger({ path: path.join(home.path, 'ledger.db') });
      try {
        return { projections: snapshotProjections(db), events: db.prepare('SELECT seq, uid, received_at, kind, session_id, project, agent_id, source, payload FROM events ORDER BY seq').all() };
      } finally {
        db.close();
      }
    });
    expect(a!.events.length).toBeGreaterThan(40 * 4);
    expect(a).toEqual(b);
  });
});

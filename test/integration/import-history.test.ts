/**
 * `agent-warden import` on the captured Claude Code 2.1.328 transcripts, as the fixture has them
 * (JSON with blanks after colons) and compact as Claude Code writes them. The importer parses only
 * the lines whose `"type"` can carry usage or a tool call; whichever way a line is spelled, the
 * billed tokens must equal an independent count that parses every line (each message id once, at
 * its largest figures). A line over the 8 MB cap is skipped and counted, a broken line is ignored,
 * a second run adds nothing, and `ledger rebuild` (costs settled once at its end, as the import
 * settles them once per batch) gives back the same sessions and dispatches.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixtureRun } from '../support/fixtures';
import { makeTempDir } from '../support/sandbox';
import { cliJson, runCli } from '../support/warden';
import { billed } from '../../src/core/budget/spend';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { rebuildProjections, snapshotProjections } from '../../src/ledger/rebuild';
import { machineId } from '../../src/team/outbox';

const temps: { cleanup(): void }[] = [];
afterAll(() => temps.forEach((t) => t.cleanup()));

function jsonlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsonlFiles(p) : e.name.endsWith('.jsonl') ? [p] : [];
  });
}

/** Billed tokens of every transcript, every line parsed: per file, each message id at its largest figures. */
function tokensByParsingEverything(projectsDir: string): number {
  let total = 0;
  for (const file of jsonlFiles(projectsDir)) {
    const byId = new Map<string, number[]>();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      let rec: any;
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
      const m = rec?.message;
      if (rec?.type !== 'assistant' || typeof m?.id !== 'string' || !m.usage) continue;
      const u = m.usage;
      const figures = [u.input_tokens, u.output_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens].map((v) => (typeof v === 'number' && v > 0 ? v : 0));
      const prev = byId.get(m.id);
      byId.set(m.id, prev ? prev.map((v, i) => Math.max(v, figures[i]!)) : figures);
    }
    for (const figures of byId.values()) total += figures.reduce((a, b) => a + b, 0);
  }
  return total;
}

/** The same history with every line written compact, as Claude Code writes it. */
function compactCopy(from: string, to: string): void {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      compactCopy(src, dst);
    } else if (e.name.endsWith('.jsonl')) {
      const lines = fs.readFileSync(src, 'utf8').split('\n').filter(Boolean);
      fs.writeFileSync(dst, lines.map((l) => JSON.stringify(JSON.parse(l))).join('\n') + '\n');
    } else fs.copyFileSync(src, dst);
  }
}

const totalTokens = (sessions: any[]) => sessions.reduce((n, s) => n + s.main_tokens + s.subagent_tokens, 0);

describe('import reads only the lines that matter, and counts as if it read them all', () => {
  const fixture = loadFixtureRun('hooks-dispatch');
  temps.push(fixture);
  const spaced = path.dirname(fixture.transcriptsDir);
  const compact = path.join(fixture.path, 'compact', 'projects');
  fs.mkdirSync(compact, { recursive: true });
  compactCopy(spaced, compact);
  // In the compact history: a 9 MB tool output (over the line cap) and a broken assistant line.
  const main = jsonlFiles(compact).find((f) => !f.includes(`${path.sep}subagents${path.sep}`))!;
  const sessionId = path.basename(main, '.jsonl');
  fs.appendFileSync(
    main,
    JSON.stringify({ type: 'user', sessionId, timestamp: '2026-11-23T16:00:00.000Z', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_big', content: 'y'.repeat(9_000_000) }] } }) +
      '\n' +
      '{"type":"assistant","sessionId":"' + sessionId + '","message":{"id":"msg_broken","usage":{"input_tokens":5\n',
  );

  for (const [name, projectsDir, skipped] of [
    ['spaced', spaced, 0],
    ['compact', compact, 1],
  ] as const) {
    it(`${name} JSON: tokens equal a count of every line, one dispatch per subagent, a second run adds nothing, a rebuild changes nothing`, () => {
      const home = makeTempDir('import-home');
      temps.push(home);
      const first = cliJson(['import', '--projects-dir', projectsDir], home.path);
      expect(first).toMatchObject({ sessions_seen: 2, sessions_imported: 2, dispatches_added: 4, lines_skipped: skipped });
      const second = cliJson(['import', '--projects-dir', projectsDir], home.path);
      expect(second).toMatchObject({ sessions_imported: 0, sessions_topped_up: 0, dispatches_added: 0, events_added: 0 });

      const sessions = cliJson<any[]>(['sessions', '--since', '3650d'], home.path);
      expect(sessions).toHaveLength(2);
      const expected = tokensByParsingEverything(projectsDir);
      expect(expected).toBeGreaterThan(0);
      expect(totalTokens(sessions)).toBe(expected);
      const dispatches = cliJson<any[]>(['dispatches', '--since', '3650d'], home.path);
      expect(dispatches.map((d) => d.agent_type).sort()).toEqual(['code-reviewer', 'general-purpose', 'general-purpose', 'general-purpose']);

      expect(runCli(['ledger', 'rebuild'], home.path).status).toBe(0);
      expect(cliJson<any[]>(['sessions', '--since', '3650d'], home.path)).toEqual(sessions);
      expect(cliJson<any[]>(['dispatches', '--since', '3650d'], home.path)).toEqual(dispatches);
    });
  }
});

/**
 * An import batch drops usage's triggers (budget buckets, team outbox) inside its transaction and
 * applies their effect set-based before it commits (src/ledger/usage-triggers.ts). Whatever the
 * batch does to usage rows (new rows, a session read further than before, rates learned that
 * reprice another session's rows), the buckets after it equal a sum over the rows and a rebuild,
 * a budget reads the imported spend at once, the armed outbox holds every billed row, and the
 * triggers are back for the hooks.
 */
describe('import keeps the budget buckets and the team outbox as the triggers would', () => {
  const fixture = loadFixtureRun('hooks-dispatch');
  temps.push(fixture);
  const [first, second] = fs.readdirSync(fixture.transcriptsDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.basename(f, '.jsonl')) as [string, string];
  // The second session again under another id, without its cost-state line: its rows of a model
  // with no table price stay estimated until another session's cost-state teaches that model's rates.
  const copy = '0c0c0c0c-0000-4000-8000-000000000001';
  /** A projects dir with some of the fixture's sessions, each whole, read `half`, or as the `copy`. */
  const history = (name: string, sessions: { id: string; half?: boolean; copy?: boolean }[]) => {
    const project = path.join(fixture.path, name, '-home-dev-project');
    fs.mkdirSync(project, { recursive: true });
    for (const s of sessions) {
      const as = s.copy ? copy : s.id;
      const rename = (text: string) => text.split(s.id).join(as);
      let lines = rename(fs.readFileSync(path.join(fixture.transcriptsDir, `${s.id}.jsonl`), 'utf8')).split('\n').filter(Boolean);
      if (s.half) lines = lines.slice(0, Math.ceil(lines.length / 2));
      if (s.copy) lines = lines.filter((l) => !l.includes('"cost-state"'));
      fs.writeFileSync(path.join(project, `${as}.jsonl`), lines.join('\n') + '\n');
      const sub = path.join(fixture.transcriptsDir, s.id, 'subagents');
      if (s.half || !fs.existsSync(sub)) continue;
      fs.mkdirSync(path.join(project, as, 'subagents'), { recursive: true });
      for (const f of fs.readdirSync(sub)) fs.writeFileSync(path.join(project, as, 'subagents', f), rename(fs.readFileSync(path.join(sub, f), 'utf8')));
    }
    return path.dirname(project);
  };

  const fill = `SELECT g AS grain, (CAST(ts AS INTEGER) / g) * g AS start, coalesce(project, '') AS project, coalesce(agent_type, '') AS agent_type,
      lower(coalesce(model, '')) AS model, sum(total_tokens) AS tokens, sum(CAST(round(coalesce(cost_usd, 0) * 1e9) AS INTEGER)) AS nano_usd,
      sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END) AS unpriced_tokens, sum(CASE WHEN price_source = 'estimated' THEN total_tokens ELSE 0 END) AS estimated_tokens,
      count(*) AS messages
    FROM usage, (SELECT 3600000 AS g UNION ALL SELECT 86400000) WHERE ts IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`;
  const buckets = 'SELECT grain, start, project, agent_type, model, tokens, nano_usd, unpriced_tokens, estimated_tokens, messages FROM usage_buckets ORDER BY 1, 2, 3, 4, 5';
  const triggers = (db: Ledger) => db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all();

  it('after each import the buckets equal the rows, a budget sees the spend, the outbox holds every row, and a rebuild changes nothing', () => {
    const home = makeTempDir('import-buckets');
    temps.push(home);
    const fresh = openLedger({ path: path.join(home.path, 'fresh', 'ledger.db') });
    const expectedTriggers = triggers(fresh);
    fresh.close();
    expect(expectedTriggers.length).toBeGreaterThanOrEqual(8);

    const check = (db: Ledger) => {
      expect(triggers(db)).toEqual(expectedTriggers);
      expect(db.prepare(buckets).all()).toEqual(db.prepare(fill).all());
      const rows = db.prepare('SELECT coalesce(sum(total_tokens), 0) AS tokens, coalesce(sum(cost_usd), 0) AS usd FROM usage WHERE ts IS NOT NULL').get() as { tokens: number; usd: number };
      expect(rows.tokens).toBeGreaterThan(0);
      const spend = billed(db, { since: 0 });
      expect(spend.tokens).toBe(rows.tokens);
      expect(spend.usd).toBeCloseTo(rows.usd, 9);
    };
    const ledgerFile = path.join(home.path, 'ledger.db');

    // 1. The first session half read, and the copy of the second. 2. The second session: its
    // cost-state teaches the rates of a model without a table price, which reprices the copy's rows
    // of it (a session not in that batch). 3. Everything: the first session is read on from where it stopped.
    cliJson(['import', '--projects-dir', history('one', [{ id: first, half: true }, { id: second, copy: true }])], home.path);
    let db = openLedger({ path: ledgerFile });
    check(db);
    const learned = `SELECT count(*) AS n FROM usage WHERE session_id = ? AND price_source = 'learned'`;
    expect((db.prepare(learned).get(copy) as { n: number }).n).toBe(0);
    db.close();

    cliJson(['import', '--projects-dir', history('two', [{ id: second }])], home.path);
    db = openLedger({ path: ledgerFile });
    check(db);
    expect((db.prepare(learned).get(copy) as { n: number }).n, 'rows of the copy repriced by the rates learned from the second session').toBeGreaterThan(0);
    // Arm the team outbox (as joining a team does) and mark every row pushed.
    machineId(db);
    db.prepare('UPDATE team_outbox SET dirty = 0').run();
    const rowsBefore = (db.prepare('SELECT count(*) AS n FROM usage WHERE session_id = ?').get(first) as { n: number }).n;
    db.close();

    const all = history('all', [{ id: first }, { id: second }, { id: second, copy: true }]);
    expect(cliJson(['import', '--projects-dir', all], home.path).events_added).toBeGreaterThan(0);
    db = openLedger({ path: ledgerFile });
    check(db);
    expect((db.prepare('SELECT count(*) AS n FROM usage WHERE session_id = ?').get(first) as { n: number }).n).toBeGreaterThan(rowsBefore);
    const unqueued = db.prepare('SELECT count(*) AS n FROM usage u WHERE NOT EXISTS (SELECT 1 FROM team_outbox o WHERE o.session_id = u.session_id AND o.agent_id = u.agent_id AND o.message_id = u.message_id)').get() as { n: number };
    expect(unqueued.n).toBe(0);
    const dirty = db.prepare('SELECT count(*) AS n FROM team_outbox WHERE session_id = ? AND dirty = 1').get(first) as { n: number };
    expect(dirty.n).toBeGreaterThan(rowsBefore);

    const imported = snapshotProjections(db);
    rebuildProjections(db, { pricing: {} });
    check(db);
    expect(snapshotProjections(db)).toEqual(imported);
    db.close();

    expect(cliJson(['import', '--projects-dir', all], home.path)).toMatchObject({ events_added: 0 });
  });

  it('a batch that fails rolls back with its triggers standing; the import run again ends where a clean one does', () => {
    const all = history('whole', [{ id: first }, { id: second }]);
    const clean = makeTempDir('import-clean');
    const broken = makeTempDir('import-broken');
    temps.push(clean, broken);
    cliJson(['import', '--projects-dir', all], clean.path);

    // A fault planted in the ledger: appending the second session's events fails, inside the batch
    // that holds both sessions, while the usage triggers are dropped.
    let db = openLedger({ path: path.join(broken.path, 'ledger.db') });
    const before = triggers(db);
    db.exec(`CREATE TRIGGER fault BEFORE INSERT ON events WHEN NEW.uid LIKE 'import:${second}:%' BEGIN SELECT RAISE(ABORT, 'planted fault'); END`);
    db.close();
    const failed = runCli(['import', '--projects-dir', all], broken.path);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('planted fault');
    db = openLedger({ path: path.join(broken.path, 'ledger.db') });
    expect(triggers(db).filter((t: any) => t.name !== 'fault')).toEqual(before);
    expect((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM usage_buckets').get() as { n: number }).n).toBe(0);
    db.exec('DROP TRIGGER fault');
    db.close();

    cliJson(['import', '--projects-dir', all], broken.path);
    const snapshots = [clean, broken].map((home) => {
      const d = openLedger({ path: path.join(home.path, 'ledger.db') });
      try {
        expect(d.prepare(buckets).all()).toEqual(d.prepare(fill).all());
        return snapshotProjections(d);
      } finally {
        d.close();
      }
    });
    expect(snapshots[1]).toEqual(snapshots[0]);
  });
});

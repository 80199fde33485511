// Issue 20: budget windows are read from pre-summed buckets (usage_buckets, kept by triggers on
// usage). Whatever happens to usage rows (inserts, merges, reprices, a moved agent type, deletes,
// a rebuild), a window's spend and its oldest spend read through the buckets equal the sums over
// the rows themselves, on a real SQLite file.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { billed, oldestSpend, modelGlobs, type SpendFilter } from '../../src/core/budget/spend';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { rebuildProjections } from '../../src/ledger/rebuild';
import { makeTempDir, type TempDir } from '../support/sandbox';

const cleanups: Array<TempDir | Ledger> = [];
afterEach(() => cleanups.splice(0).forEach((c) => ('cleanup' in c ? c.cleanup() : c.close())));

const H = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const PROJECTS = ['/a', '/b', null];
const TYPES = ['code-reviewer', 'Explore', null];
const MODELS = ['claude-sonnet-4-5', 'Claude-Opus-4-1', 'claude-haiku-4-5', null];

function ledger(): Ledger {
  const dir = makeTempDir('buckets');
  const db = openLedger({ path: path.join(dir.path, 'ledger.db') });
  cleanups.push(db, dir);
  return db;
}

// A small deterministic generator, so a failure can be replayed.
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function fill(db: Ledger, n: number, seed = 7): void {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const insert = db.prepare(`INSERT INTO usage (session_id, agent_id, message_id, project, agent_type, ts, model, total_tokens, cost_usd, price_source)
    VALUES (?, '', ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const priced = r() > 0.15;
      // ts spread over 40 days, at odd offsets; a few rows have none (they are in no window).
      const ts = r() < 0.03 ? null : T0 + Math.floor(r() * 40 * 24 * H) + (i % 3 === 0 ? 0.5 : 0);
      insert.run(`s${i % 13}`, `m${i}`, pick(PROJECTS), pick(TYPES), ts, pick(MODELS), Math.floor(r() * 50_000), priced ? r() * 0.37 : null, priced ? pick(['table', 'estimated', 'learned']) : null);
    }
  })();
}

/** The same sums straight from usage rows, as budgets read them before buckets existed. */
function rawBilled(db: Ledger, f: SpendFilter) {
  const parts = ['u.ts >= ?'];
  const args: unknown[] = [f.since];
  if (f.agentType !== undefined) (parts.push('u.agent_type = ?'), args.push(f.agentType));
  if (f.project !== undefined) (parts.push('u.project = ?'), args.push(f.project));
  if (f.model !== undefined) (parts.push(`(lower(coalesce(u.model, '')) GLOB ? OR lower(coalesce(u.model, '')) GLOB ?)`), args.push(...modelGlobs(f.model)));
  return db
    .prepare(
      `SELECT coalesce(sum(total_tokens), 0) AS tokens, coalesce(sum(cost_usd), 0) AS usd,
              coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0) AS unpriced,
              coalesce(sum(CASE WHEN price_source = 'estimated' THEN total_tokens ELSE 0 END), 0) AS estimated,
              min(CASE WHEN total_tokens > 0 THEN ts END) AS oldest
       FROM usage u WHERE ${parts.join(' AND ')}`,
    )
    .get(...args) as { tokens: number; usd: number; unpriced: number; estimated: number; oldest: number | null };
}

function filters(): SpendFilter[] {
  const out: SpendFilter[] = [];
  const starts = [T0 - 5 * H, T0, T0 + 90 * 60_000, T0 + 17 * H + 1234, T0 + 9 * 24 * H + 30 * 60_000, T0 + 39 * 24 * H + 23 * H + 59 * 60_000, T0 + 60 * 24 * H];
  for (const since of starts)
    for (const project of [undefined, '/a'])
      for (const agentType of [undefined, 'Explore'])
        for (const model of [undefined, 'opus', 'claude-sonnet-4-5*']) out.push({ since, project, agentType, model });
  return out;
}

function expectSameAsRows(db: Ledger): void {
  for (const f of filters()) {
    const raw = rawBilled(db, f);
    const got = billed(db, f);
    expect({ tokens: got.tokens, unpriced: got.unpricedTokens, estimated: got.estimatedTokens }, JSON.stringify(f)).toEqual({ tokens: raw.tokens, unpriced: raw.unpriced, estimated: raw.estimated });
    expect(got.usd, JSON.stringify(f)).toBeCloseTo(raw.usd, 6);
    expect(oldestSpend(db, f) ?? null, JSON.stringify(f)).toBe(raw.oldest);
  }
}

describe('pre-summed budget windows', () => {
  it('a window read through the buckets equals the sum over its usage rows, for any start, project, agent type and model', () => {
    const db = ledger();
    fill(db, 3000);
    expect((db.prepare('SELECT count(*) AS n FROM usage_buckets').get() as { n: number }).n).toBeGreaterThan(100);
    expectSameAsRows(db);
  });

  it('stays equal when rows are merged, repriced, retyped, moved in time and deleted', () => {
    const db = ledger();
    fill(db, 2000, 11);
    db.prepare(`UPDATE usage SET total_tokens = total_tokens + 100 WHERE message_id LIKE 'm1%'`).run();
    db.prepare(`UPDATE usage SET cost_usd = total_tokens * 3e-6, price_source = 'learned' WHERE model = 'claude-haiku-4-5'`).run();
    db.prepare(`UPDATE usage SET cost_usd = NULL, price_source = NULL WHERE message_id LIKE 'm2%'`).run();
    db.prepare(`UPDATE usage SET agent_type = 'Explore' WHERE agent_type IS NULL AND message_id LIKE 'm3%'`).run();
    db.prepare(`UPDATE usage SET ts = ts + 7 * ${H} WHERE message_id LIKE 'm4%' AND ts IS NOT NULL`).run();
    db.prepare(`UPDATE usage SET ts = ${T0 + 3 * H} WHERE ts IS NULL`).run();
    db.prepare(`DELETE FROM usage WHERE message_id LIKE 'm5%'`).run();
    expectSameAsRows(db);
    // No bucket is left behind for rows that moved away.
    const orphans = db.prepare('SELECT count(*) AS n FROM usage_buckets WHERE messages <= 0').get() as { n: number };
    expect(orphans.n).toBe(0);
  });

  it('is rebuilt with the other projections: emptying usage empties the buckets', () => {
    const db = ledger();
    fill(db, 500, 3);
    expect(rebuildProjections(db, { pricing: {} as never })).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM usage_buckets').get() as { n: number }).n).toBe(0);
    expect(billed(db, { since: T0 }).tokens).toBe(0);
  });
});

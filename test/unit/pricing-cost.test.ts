// Issue 14, cost you can trust: a dated table from a maintained source, exact ids only, family
// estimates marked as such, Claude Code's cost-state as a session's ground truth, rates learned
// from it, and repricing without `ledger rebuild` (a rebuild converges to the same figures).
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fmtUsd } from '../../src/cli/output';
import { defaultConfig } from '../../src/runtime/config/schema';
import { handleHookEvent } from '../../src/core/handle-event';
import { catchUpTranscripts } from '../../src/core/catch-up';
import { parseHookInput } from '../../src/hooks/wire';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { rebuildProjections, snapshotProjections } from '../../src/ledger/rebuild';
import { costText } from '../../src/report/usage-render';
import { fitRates, parseCostState } from '../../src/runtime/tokens/cost-state';
import { costAt, estimate, knownPrice, PRICE_TABLE, PRICING_DATE, priceModel } from '../../src/runtime/tokens/pricing';
import { readTranscript } from '../../src/runtime/tokens/transcript';
import { FIXTURES, loadFixtureRun, seeded, shuffle, WIRED, type FixtureRun } from '../support/fixtures';
import { makeTempDir, type TempDir } from '../support/sandbox';

const SESSION = 'a5371dc9-083f-4987-8703-c3c308092916';
const MAIN = path.join(FIXTURES, 'transcripts', `${SESSION}.jsonl`);
const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

describe('the price table', () => {
  it('is dated and comes from @pydantic/genai-prices', () => {
    expect(PRICE_TABLE.source).toBe('@pydantic/genai-prices');
    expect(PRICING_DATE).toMatch(/^\d{4}-\d\d-\d\d$/);
    const installed = JSON.parse(fs.readFileSync(path.join(__dirname, '../../node_modules/@pydantic/genai-prices/package.json'), 'utf8')).version;
    expect(PRICE_TABLE.version, 'src/runtime/tokens/prices/anthropic.json is stale: run `npm run prices:refresh`').toBe(installed);
  });

  it('prices known models exactly, dated ids included, and never by a shorter prefix', () => {
    expect(knownPrice('claude-opus-4-5')).toMatchObject({ source: 'table', rates: { input: 5, output: 25, cache_read: 0.5 } });
    expect(knownPrice('claude-opus-4-1-20250805')?.source).toBe('table');
    expect(knownPrice('claude-3-5-haiku-20241022')?.rates.input).toBe(0.8);
    // `claude-sonnet-5` is a different model from `claude-sonnet-5-5`.
    expect(knownPrice('claude-sonnet-5-5')).toBeUndefined();
  });

  it('estimates an unknown model as the newest of its family, and anything else as the newest Opus', () => {
    expect(estimate('claude-sonnet-5-5')).toMatchObject({ source: 'estimated', basis: 'claude-sonnet-5' });
    expect(estimate('claude-haiku-9-1').basis).toMatch(/^claude-haiku-/);
    const opus = estimate('claude-opus-9');
    expect(opus.basis).toMatch(/^claude-opus-/);
    expect(estimate('some-gateway-model').basis).toBe(opus.basis);
    expect(estimate('some-gateway-model').rates.input).toBeGreaterThan(0);
  });

  it('lets config override the table and learned rates stand in only where the table has nothing', () => {
    expect(priceModel('claude-opus-4-5', { 'claude-opus-4-5': { input: 1, output: 2 } })).toMatchObject({ source: 'config', rates: { input: 1, cache_read: 0.1 } });
    const learned = { input: 1, output: 2, cache_write_5m: 3, cache_write_1h: 4, cache_read: 0.5 };
    expect(priceModel('claude-sonnet-5-5', {}, learned)).toEqual({ rates: learned, source: 'learned' });
    expect(priceModel('claude-opus-4-5', {}, learned).source).toBe('table');
  });
});

describe("Claude Code's cost-state", () => {
  it('is read from the transcript, subagent tokens included in its per-model counts', () => {
    const state = readTranscript(MAIN).costState!;
    expect(state.totalCostUsd).toBeCloseTo(0.028404, 9);
    expect(Object.keys(state.models).sort()).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5']);
    // Main + subagent transcripts, per model, add up to the cost-state's counts.
    const dir = path.join(FIXTURES, 'transcripts');
    const sums: Record<string, number> = {};
    for (const file of fs.readdirSync(dir).filter((f) => f.startsWith(SESSION) && f.endsWith('.jsonl'))) {
      for (const m of readTranscript(path.join(dir, file)).messages) sums[m.model!] = (sums[m.model!] ?? 0) + m.input;
    }
    expect(sums).toEqual({ 'claude-opus-5-5': state.models['claude-opus-5-5']!.input, 'claude-sonnet-5-5': state.models['claude-sonnet-5-5']!.input });
  });

  it('ignores lines that only look like one', () => {
    expect(parseCostState('{"type": "cost-state", "totalCostUSD": "lots"}')).toBeUndefined();
    expect(parseCostState('{"type": "user", "text": "cost-state"}')).toBeUndefined();
    expect(parseCostState('{"type": "cost-state", "totalCostUSD": 1, "modelUsage": {"m": {"costUSD": -3}}}')).toEqual({ totalCostUsd: 1, models: {} });
    // Claude Code's own guesswork, and tokens claimed free, are no ground truth.
    expect(parseCostState('{"type": "cost-state", "totalCostUSD": 1, "modelUsage": {}, "hasUnknownModelCost": true}')).toBeUndefined();
    expect(parseCostState('{"type": "cost-state", "totalCostUSD": 0, "modelUsage": {"m": {"inputTokens": 5000, "costUSD": 0}}}')).toEqual({ totalCostUsd: 0, models: {} });
    // A figure 10x off the family's price is not learned from.
    const shape = estimate('claude-sonnet-5-5').rates;
    const row = { input: 1_000_000, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
    expect(fitRates([{ ...row, costUsd: costAt(row, shape) / 100 }], shape)).toBeUndefined();
  });

  it('gives learned rates that reproduce one session exactly and fit several by least squares', () => {
    const state = readTranscript(MAIN).costState!;
    const sonnet = state.models['claude-sonnet-5-5']!;
    const shape = estimate('claude-sonnet-5-5').rates;
    const one = fitRates([sonnet], shape)!;
    expect(costAt(sonnet, one)).toBeCloseTo(sonnet.costUsd, 12);
    // Two sessions at one true price, different mixes: the fit recovers it when the shape is right.
    const truth = { input: 2, output: 10, cache_write_5m: 2.5, cache_write_1h: 4, cache_read: 0.2 };
    const a = { input: 100, output: 900, cacheWrite5m: 5000, cacheWrite1h: 0, cacheRead: 80000 };
    const b = { input: 3000, output: 100, cacheWrite5m: 0, cacheWrite1h: 2000, cacheRead: 1000 };
    const fitted = fitRates([{ ...a, costUsd: costAt(a, truth) }, { ...b, costUsd: costAt(b, truth) }], { ...truth, input: 4, output: 20, cache_write_5m: 5, cache_write_1h: 8, cache_read: 0.4 })!;
    expect(fitted.input).toBeCloseTo(2, 9);
    expect(fitRates([], shape)).toBeUndefined();
  });
});

function ledger(): Ledger {
  const dir = makeTempDir('ledger');
  cleanups.push(dir);
  return openLedger({ path: path.join(dir.path, 'ledger.db') });
}

function replay(db: Ledger, run: FixtureRun, order: number[], pricing = {}) {
  const base = Date.parse('2026-11-23T15:43:00Z');
  const config = { ...defaultConfig(), pricing };
  for (const i of order) {
    const parsed = parseHookInput(run.payloads[i]!.text);
    if (!parsed.ok) throw new Error(parsed.reason);
    const now = base + i * 100;
    handleHookEvent({ db, config, project: '/p', now, source: 'command', policies: [] }, parsed.event, { receivedAt: now });
  }
  catchUpTranscripts(db, config, { now: base + 10 * 60_000, windowMs: 3600_000 });
}

const sessionCost = (db: Ledger) =>
  db.prepare(`SELECT sum(CASE WHEN agent_id = '' THEN cost_usd END) AS main, sum(CASE WHEN agent_id != '' THEN cost_usd END) AS sub, sum(cost_usd) AS total FROM usage WHERE session_id = ?`).get(SESSION) as {
    main: number;
    sub: number;
    total: number;
  };

describe('the ledger, from the captured run', () => {
  it("bills the session at Claude Code's own total, in any order, and a rebuild gives the same", () => {
    const run = loadFixtureRun('hooks-dispatch');
    cleanups.push(run);
    const wired = run.payloads.map((p, i) => (WIRED.has(p.event.hook_event_name) ? i : -1)).filter((i) => i >= 0);
    const inOrder = ledger();
    replay(inOrder, run, wired);
    const cost = sessionCost(inOrder);
    expect(cost.total).toBeCloseTo(0.028404, 9);
    expect(cost.main + cost.sub).toBeCloseTo(cost.total, 12);
    expect(inOrder.prepare(`SELECT DISTINCT price_source AS s FROM usage`).all()).toEqual([{ s: 'claude-code' }]);
    const learned = inOrder.prepare('SELECT * FROM learned_rates').all() as any[];
    expect(learned.map((r) => [r.model, r.sessions, r.basis])).toEqual([['claude-sonnet-5-5', 1, 'claude-sonnet-5']]);

    const shuffled = ledger();
    replay(shuffled, run, shuffle(wired, seeded(14)));
    expect(sessionCost(shuffled).total).toBeCloseTo(0.028404, 9);

    const before = snapshotProjections(inOrder);
    rebuildProjections(inOrder, { pricing: {} });
    expect(snapshotProjections(inOrder)).toEqual(before);
    inOrder.close();
    shuffled.close();
  });

  it('reprices recorded usage when the pricing config changes, with no rebuild', () => {
    const run = loadFixtureRun('hooks-dispatch');
    cleanups.push(run);
    const wired = run.payloads.map((p, i) => (WIRED.has(p.event.hook_event_name) ? i : -1)).filter((i) => i >= 0);
    const db = ledger();
    replay(db, run, wired);
    // The session itself stays at Claude Code's figure; other sessions of the model follow the new price.
    db.prepare(`INSERT INTO usage (session_id, agent_id, message_id, model, input_tokens, total_tokens, cost_usd, price_source) VALUES ('other', '', 'm1', 'claude-sonnet-5-5', 1000000, 1000000, 0, 'estimated')`).run();
    catchUpTranscripts(db, { ...defaultConfig(), pricing: { 'claude-sonnet-5-5': { input: 7, output: 35 } } }, { now: Date.now() });
    expect(db.prepare(`SELECT cost_usd, price_source FROM usage WHERE session_id = 'other'`).get()).toEqual({ cost_usd: 7, price_source: 'config' });
    expect(sessionCost(db).total).toBeCloseTo(0.028404, 9);
    db.close();
  });
});

describe('costs for people', () => {
  it('never print $0.0000 for a non-zero amount, nor a bare "+"', () => {
    expect(fmtUsd(0.00004)).toBe('<$0.0001');
    expect(fmtUsd(0)).toBe('$0.00');
    expect(fmtUsd(0.0306)).toBe('$0.0306');
    expect(fmtUsd(12.345)).toBe('$12.35');
    expect(costText(0.00002, 10)).toBe('<$0.0001 at least');
    expect(costText(0, 10)).toBe('unpriced');
    expect(costText(1.5, 0)).toBe('$1.50');
  });
});

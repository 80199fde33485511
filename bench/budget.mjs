// `npm run bench:budget` (issue 20): a month budget check on a ledger of 1,000,000 events must take
// <= 1 ms. Seeds the ledger with the real schema (bench/report.mjs: 1M events, 100k dispatches),
// adds usage rows until there are 1M of them over the past year (so the month holds ~85k), then
// times evaluateBudget — the same function the PreToolUse policy and `budget status` call — for a
// month, a week, a 5-hour window and a filtered month budget, and for comparison the sum over raw
// usage rows that budgets read before the pre-summed buckets (migration 10).
//   node bench/budget.mjs [--events N] [--usage N] [--runs N]     (no build needed: bundles src)
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedLedger } from './report.mjs';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('--events', 1_000_000);
const USAGE = arg('--usage', 1_000_000);
const RUNS = arg('--runs', 200);

const work = mkdtempSync(join(tmpdir(), 'aw-bench-budget-'));
// Bundled inside the repo (bench/results/, git-ignored) so that better-sqlite3 resolves from node_modules.
const bundle = join(REPO, 'bench', 'results', 'budget.cjs');
mkdirSync(dirname(bundle), { recursive: true });
buildSync({
  stdin: {
    contents: `export { evaluateBudget } from './src/core/budget/meter'; export { openLedger } from './src/ledger/db'; export { schemas } from './src/runtime/config/schema';`,
    resolveDir: REPO,
    loader: 'ts',
  },
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
  external: ['better-sqlite3'],
  define: { __WARDEN_VERSION__: '"bench"' },
});
process.env.AGENT_WARDEN_NATIVE ??= join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const req = createRequire(join(REPO, 'bench', 'x.cjs'));
const { evaluateBudget, openLedger, schemas } = req(bundle);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

try {
  const now = Date.now();
  const t0 = performance.now();
  seedLedger(work, { events: EVENTS, dispatches: Math.max(1, Math.floor(EVENTS / 10)), now });
  // More usage over a year: one assistant message every ~30 s, across projects, types and models.
  const raw = new Database(join(work, 'ledger.db'));
  raw.pragma('synchronous = OFF');
  const have = raw.prepare('SELECT count(*) AS n FROM usage').get().n;
  const add = raw.prepare(`INSERT INTO usage (session_id, agent_id, message_id, project, agent_type, ts, model, input_tokens, output_tokens, total_tokens, cost_usd, price_source)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'table')`);
  const year = 365 * 86_400_000;
  const types = [null, 'code-reviewer', 'Explore', 'general-purpose', 'test-runner'];
  const models = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101'];
  const projects = ['/bench/app', '/bench/api', '/bench/web'];
  raw.transaction(() => {
    for (let i = 0; i < USAGE - have; i++) {
      const type = types[i % types.length];
      add.run(`y-${Math.floor(i / 400)}`, type ? `a${Math.floor(i / 40)}` : '', `y${i}`, projects[i % 3], type, now - year + Math.floor((i / (USAGE - have)) * year), models[i % 3], 3000, 400, 3400, 0.0153, );
    }
  })();
  const counts = raw.prepare(`SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM usage) AS usage, (SELECT count(*) FROM usage_buckets) AS buckets`).get();
  raw.close();
  const seedMs = performance.now() - t0;

  const db = openLedger({ path: join(work, 'ledger.db') });
  const config = schemas().configSchema.parse({ timezone: 'Europe/Paris' });
  const subject = { sessionId: 'bench-0', project: '/bench/app' };
  const budgets = {
    month: { scope: 'month', limit_usd: 500 },
    week: { scope: 'week', limit_tokens: 50_000_000 },
    '5h': { scope: '5h', limit_tokens: 5_000_000 },
    'month, code-reviewer, opus, this project': { scope: 'month', limit_usd: 100, agent_type: 'code-reviewer', model: 'opus', project: true },
  };
  const parse = (b) => schemas().configSchema.parse({ budgets: [b] }).budgets[0];
  const rows = [];
  for (const [name, b] of Object.entries(budgets)) {
    const budget = parse(b);
    const times = [];
    let state;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      state = evaluateBudget(db, config, budget, subject, now);
      times.push(performance.now() - t);
    }
    rows.push({ name, median: median(times), p95: p95(times), spent: state.meters[0].spent });
  }
  // For scale: the month summed from raw usage rows (what every check did before buckets).
  const monthStart = evaluateBudget(db, config, parse(budgets.month), subject, now).window.start;
  const rawTimes = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    db.prepare(`SELECT coalesce(sum(total_tokens), 0), coalesce(sum(cost_usd), 0), coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0),
      coalesce(sum(CASE WHEN price_source = 'estimated' THEN total_tokens ELSE 0 END), 0) FROM usage u WHERE u.ts >= ?`).get(monthStart);
    rawTimes.push(performance.now() - t);
  }
  db.close();

  console.log(`ledger: ${counts.events.toLocaleString('en-US')} events, ${counts.usage.toLocaleString('en-US')} usage rows, ${counts.buckets.toLocaleString('en-US')} buckets (seeded in ${Math.round(seedMs / 1000)} s)`);
  for (const r of rows) console.log(`  ${`${r.name} budget check`.padEnd(52)} median ${r.median.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms`);
  console.log(`  ${'for scale: month summed over raw usage rows'.padEnd(52)} median ${median(rawTimes).toFixed(1)} ms`);
  const month = rows[0].median;
  console.log(`goal: month budget check <= 1 ms on a 1M-event ledger: ${month <= 1 ? 'met' : 'NOT met'} (${month.toFixed(3)} ms, ${(median(rawTimes) / month).toFixed(0)}x faster than raw rows)`);
  if (month > 1) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

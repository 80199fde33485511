// `npm run bench:recall`: how often discovery finds the agent a person would pick, on real
// collections (test/fixtures/corpora) with tasks worded as users word them. Three sets:
//   tuning   (bench/recall/tuning.json)   synonyms, boosts and thresholds were adjusted on it;
//   heldout  (bench/recall/heldout.json)  round 1's held-out set: run once (heldout-first-run.md),
//                                         seen since, so no longer a fair test;
//   heldout2 (bench/recall/heldout2.json) round 2's: written before round 2 changed the ranking,
//                                         run once after (heldout2-first-run.md), never tuned on.
// Also times ranking over 1,000 agents with the index built once (the resident server's case).
//   npm run bench:recall [-- --set tuning|heldout|heldout2|timing] [-- --verbose]
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const CORPORA = join(REPO, 'test', 'fixtures', 'corpora');
const args = process.argv.slice(2);
const only = args.includes('--set') ? args[args.indexOf('--set') + 1] : undefined;
const verbose = args.includes('--verbose');

const tmp = mkdtempSync(join(tmpdir(), 'aw-bench-recall-'));
const out = join(tmp, 'recall.cjs');
buildSync({ entryPoints: [join(REPO, 'bench/recall/entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'error' });
const { runSet, rankTiming } = createRequire(import.meta.url)(out);

let failed = false;
for (const name of ['tuning', 'heldout', 'heldout2']) {
  if (only && only !== name) continue;
  const r = runSet(join(REPO, 'bench', 'recall', `${name}.json`), CORPORA);
  process.stdout.write(`${name.padEnd(9)}${r.agents} agents, ${r.tasks} tasks: top-1 ${r.top1}/${r.tasks}, top-3 ${r.top3}/${r.tasks}\n`);
  for (const t of r.results) {
    if (verbose || t.rank !== 1) process.stdout.write(`  ${t.rank === 0 ? 'MISS' : `#${t.rank}  `} ${t.task}\n        want ${t.accept.join(' | ')}\n        got  ${t.top.join(' ; ')}\n`);
  }
  // Must-show targets of issue 24, on the held-out set not yet seen when the ranking last changed.
  if (name === 'heldout2' && (r.top3 < 19 || r.top1 < 16)) failed = true;
}

if (!only || only === 'timing') {
  const t = rankTiming(CORPORA, 1000);
  process.stdout.write(
    `ranking ${t.agents} agents (index built once in ${t.buildMs.toFixed(0)} ms, freshness checked on every call): one query ` +
      `wall median ${t.medianMs.toFixed(2)} ms, p95 ${t.p95Ms.toFixed(2)} ms, max ${t.maxMs.toFixed(2)} ms; CPU median ${t.cpuMedianMs.toFixed(2)} ms, p95 ${t.cpuP95Ms.toFixed(2)} ms (target < 20 ms); ` +
      `first ten queries, cold: ranking ${t.rankCpuMedianMs.toFixed(2)} ms CPU, freshness check ${t.freshnessCpuMedianMs.toFixed(2)} ms CPU\n`,
  );
  // CPU time is the figure that does not depend on how busy the machine is.
  if (t.cpuMedianMs >= 20) failed = true;
}
rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

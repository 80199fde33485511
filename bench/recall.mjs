// `npm run bench:recall`: how often discovery finds the agent a person would pick, on real
// collections (test/fixtures/corpora) with tasks worded as users word them. The sets, in bench/recall/:
//   tuning.json    synonyms, boosts and thresholds were adjusted on it;
//   heldout*.json  held-out sets, each written before the ranking change it was first run on, and
//                  picked up by name: drop in heldout3.json and it is run. A set marked "spent" has
//                  been run and studied (heldout.json, heldout2.json); the issue-24 targets (top-1 >= 16/20,
//                  top-3 >= 19/20) are checked on every set not yet spent.
// Also times ranking over 1,000 agents with the index built once (the resident server's case).
//   npm run bench:recall                      every set, then the timing
//   npm run bench:recall -- heldout3          one set (or several: tuning heldout2); `timing` for the timing
//   npm run bench:recall -- --verbose         every task, not only the misses
//   npm run bench:recall -- --freeze-table    records the synonym table's keys (and technology jargon) as written blind
//                                             (bench/recall/blind-table-keys.json); run it before writing a new held-out set
import { buildSync } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const CORPORA = join(REPO, 'test', 'fixtures', 'corpora');
const SETS = join(REPO, 'bench', 'recall');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
// `--set x` is the older spelling of a positional set name.
const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--set').concat(args.includes('--set') ? [args[args.indexOf('--set') + 1]] : []);

const tmp = mkdtempSync(join(tmpdir(), 'aw-bench-recall-'));
const out = join(tmp, 'recall.cjs');
buildSync({ entryPoints: [join(REPO, 'bench/recall/entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'error' });
const { runSet, readSet, setNames, rankTiming, tableKeys } = createRequire(import.meta.url)(out);
const all = setNames(SETS);

if (args.includes('--freeze-table')) {
  const unseen = all.filter((n) => n !== 'tuning' && !readSet(join(SETS, `${n}.json`)).spent);
  rmSync(tmp, { recursive: true, force: true });
  if (unseen.length > 0) {
    process.stderr.write(`not frozen: ${unseen.join(', ')} not yet spent; the table must be frozen before a held-out set is written, not after\n`);
    process.exit(1);
  }
  const file = join(SETS, 'blind-table-keys.json');
  const about =
    'The synonym table\'s keys (src/core/discovery/synonyms.json) and technology jargon (technologies.json) as they were before the newest held-out set was written: a key an unseen held-out task uses must be here or in a tuning task (test/unit/discovery-synonyms.test.ts). Written by `npm run bench:recall -- --freeze-table`, which refuses while any held-out set is not yet spent.';
  writeFileSync(file, `${JSON.stringify({ about, keys: tableKeys() }, null, 2)}\n`);
  process.stdout.write(`froze ${tableKeys().length} keys in ${file}\n`);
  process.exit(0);
}

for (const n of named) {
  if (n !== 'timing' && !existsSync(join(SETS, `${n}.json`))) {
    process.stderr.write(`no set "${n}": bench/recall has ${all.join(', ')} (and timing)\n`);
    process.exit(2);
  }
}

let failed = false;
for (const name of all) {
  if (named.length > 0 && !named.includes(name)) continue;
  const file = join(SETS, `${name}.json`);
  const r = runSet(file, CORPORA);
  const spent = readSet(file).spent;
  const label = name === 'tuning' ? '' : spent ? ' (spent: run before, studied since)' : ' (unseen)';
  process.stdout.write(`${name.padEnd(9)}${r.agents} agents, ${r.tasks} tasks: top-1 ${r.top1}/${r.tasks}, top-3 ${r.top3}/${r.tasks}${label}\n`);
  for (const t of r.results) {
    if (verbose || t.rank !== 1) process.stdout.write(`  ${t.rank === 0 ? 'MISS' : `#${t.rank}  `} ${t.task}\n        want ${t.accept.join(' | ')}\n        got  ${t.top.join(' ; ')}\n`);
  }
  // Must-show 1 of issue 24, on a held-out set nobody has tuned on: of 20 tasks, 19 in the top three and 16 first.
  if (name !== 'tuning' && !spent && (r.top3 < Math.ceil(0.95 * r.tasks) || r.top1 < Math.ceil(0.8 * r.tasks))) failed = true;
}

if (named.length === 0 || named.includes('timing')) {
  const t = rankTiming(CORPORA, 1000);
  process.stdout.write(
    `ranking ${t.agents} agents (index built once in ${t.buildMs.toFixed(0)} ms, freshness checked on every call): one query ` +
      `wall median ${t.medianMs.toFixed(2)} ms, p95 ${t.p95Ms.toFixed(2)} ms, max ${t.maxMs.toFixed(2)} ms; CPU median ${t.cpuMedianMs.toFixed(2)} ms, p95 ${t.cpuP95Ms.toFixed(2)} ms (target < 20 ms); ` +
      `first eleven queries, cold: ranking ${t.rankCpuMedianMs.toFixed(2)} ms CPU (slowest ${t.rankCpuMaxMs.toFixed(2)} ms), freshness check ${t.freshnessCpuMedianMs.toFixed(2)} ms CPU\n`,
  );
  // CPU time is the figure that does not depend on how busy the machine is.
  if (t.cpuMedianMs >= 20) failed = true;
}
rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

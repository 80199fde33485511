// `node bench/team.mjs`: what a team budget costs PreToolUse. The command hook decides an `Agent`
// dispatch under a day budget (no team), under a team day budget whose PostgreSQL is unreachable
// (a closed loopback port, and an address that drops packets), alternated in one run. The hook
// reads the team figure from the ledger and never opens a connection, so the three should match.
//   npm run build && node bench/team.mjs [--runs 30]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const HOOK = join(REPO, 'dist', 'hook.cjs');
const at = process.argv.indexOf('--runs');
const runs = at > 0 ? Number(process.argv[at + 1]) : 30;

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const timed = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

const setups = {
  'day budget, no team': {},
  'team day budget, PostgreSQL port closed': { team: { url: 'postgres://x@127.0.0.1:1/none', name: 'bench' } },
  'team day budget, PostgreSQL address drops packets': { team: { url: 'postgres://x@10.255.255.1:5432/none', name: 'bench' } },
};
const homes = Object.fromEntries(
  Object.entries(setups).map(([name, extra]) => {
    const home = mkdtempSync(join(tmpdir(), 'aw-bench-team-'));
    const team = Boolean(extra.team);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ ...extra, budgets: [{ scope: 'day', limit_tokens: 1e9, ...(team ? { team: true } : {}) }] }));
    return [name, home];
  }),
);
const env = (home) => {
  const e = { ...process.env, AGENT_WARDEN_HOME: home };
  delete e.NODE_EXTRA_CA_CERTS;
  return e;
};
const payload = (home, i) =>
  JSON.stringify({
    session_id: 'bench-team',
    transcript_path: join(home, 'none.jsonl'),
    cwd: home,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Agent',
    tool_input: { description: 'job', prompt: `job ${i}`, subagent_type: 'general-purpose' },
    tool_use_id: `toolu_bench_${i}`,
  });

const times = Object.fromEntries(Object.keys(setups).map((k) => [k, []]));
let told = 0;
try {
  for (const home of Object.values(homes)) {
    const r = spawnSync(process.execPath, [HOOK], { input: payload(home, -1), env: env(home), encoding: 'utf8' });
    if (r.stdout.includes('counts this machine')) told++;
  }
  for (let i = 0; i < runs; i++) {
    for (const [name, home] of Object.entries(homes)) {
      times[name].push(
        timed(() => {
          const r = spawnSync(process.execPath, [HOOK], { input: payload(home, i), env: env(home), encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`hook failed: ${r.stderr}`);
          if (r.stdout.includes('counts this machine')) told++;
          if (r.stdout.includes('"deny"')) throw new Error(`hook denied: ${r.stdout}`);
        }),
      );
    }
  }
} finally {
  for (const home of Object.values(homes)) rmSync(home, { recursive: true, force: true });
}
const base = quantile(times['day budget, no team'], 0.5);
for (const [name, xs] of Object.entries(times)) {
  const p50 = quantile(xs, 0.5);
  console.log(`${name.padEnd(52)} p50 ${p50.toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${(p50 / base).toFixed(2)}x)`);
}
console.log(`fallback notices: ${told} (expected 2: once per team home's session)`);

// The status line's speed against the floor (`node -e ""`), measured alternately in one run:
// Claude Code runs the command on every status update. Warm = the way it runs in a session (the
// ledger part of the line cached for a few seconds, the snapshot already recorded); cold = every
// run opens the ledger (a new session each time, so no cache applies).
//   npm run build && node bench/statusline.mjs [--runs 40]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const STATUSLINE = join(REPO, 'dist', 'statusline.cjs');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 40;

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const timed = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const ms = (n) => `${n.toFixed(1)} ms`;

const home = mkdtempSync(join(tmpdir(), 'aw-bench-statusline-'));
// As the launcher runs it: without NODE_EXTRA_CA_CERTS (it costs Node ~38 ms at start).
const env = { ...process.env, AGENT_WARDEN_HOME: home, NO_COLOR: '1' };
delete env.NODE_EXTRA_CA_CERTS;
const resets = Math.floor(Date.now() / 1000) + 3 * 3600;
const input = (session) =>
  JSON.stringify({
    session_id: session,
    cwd: home,
    workspace: { current_dir: home, project_dir: home },
    model: { id: 'claude-opus-5-5', display_name: 'Opus' },
    cost: { total_cost_usd: 1.23 },
    rate_limits: { five_hour: { used_percentage: 85, resets_at: resets }, seven_day: { used_percentage: 41, resets_at: resets + 86400 } },
  });
const run = (session) => {
  const r = spawnSync(process.execPath, [STATUSLINE], { input: input(session), env, encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.includes('85%')) throw new Error(`statusline failed: ${r.stderr || r.stdout}`);
};

try {
  run('bench-warm'); // creates the ledger, records the snapshot, fills the cache
  const floor = [];
  const warm = [];
  const cold = [];
  for (let i = 0; i < runs; i++) {
    floor.push(timed(() => spawnSync(process.execPath, ['-e', ''], { env })));
    warm.push(timed(() => run('bench-warm')));
    cold.push(timed(() => run(`bench-cold-${i}`)));
  }
  const f = quantile(floor, 0.5);
  const w = quantile(warm, 0.5);
  const c = quantile(cold, 0.5);
  console.log(`statusline warm p50 ${ms(w)}, p95 ${ms(quantile(warm, 0.95))}; cold p50 ${ms(c)}; node -e "" p50 ${ms(f)}, p95 ${ms(quantile(floor, 0.95))}`);
  console.log(`ratio warm ${(w / f).toFixed(2)}x (goal <= 1.5x); cold ${(c / f).toFixed(2)}x`);
} finally {
  rmSync(home, { recursive: true, force: true });
}

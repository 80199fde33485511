// Soak: 20,000 hook events from 16 concurrent processes into one new ledger, parallel agents'
// hooks interleaved. Most events go through the core in-process (long-lived workers, for volume),
// a share through real `node dist/hook.cjs` processes. Then: every event stored exactly once,
// nothing left in the spool, integrity ok, and projections equal a rebuild from the event log.
// Usage: node bench/soak.mjs [--events 20000] [--procs 16] [--hook-share 0.05]
import { build } from 'esbuild';
import { fork, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

if (process.env.SOAK_WORKER) await worker();
else await main();

async function main() {
  const total = arg('events', 20_000);
  const procs = arg('procs', 16);
  const hookShare = arg('hook-share', 0.05);
  if (!fs.existsSync(path.join(repo, 'dist', 'hook.cjs'))) throw new Error('run `node scripts/build.mjs` first');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-soak-'));
  const home = path.join(root, 'warden');
  const project = path.join(root, 'project');
  fs.mkdirSync(project, { recursive: true });
  // The core, bundled once for the workers (the same code the hook bundle runs).
  const core = path.join(root, 'core.cjs');
  await build({
    stdin: { contents: `module.exports = { ...require('./src/hooks/ingest'), ...require('./src/ledger/db'), ...require('./src/ledger/rebuild'), ...require('./src/ledger/spool') };`, resolveDir: repo, loader: 'ts' },
    outfile: core, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning',
    define: { __WARDEN_VERSION__: '"soak"', __BETTER_SQLITE3_VERSION__: '"soak"' },
  });
  const native = path.join(repo, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const env = { ...process.env, AGENT_WARDEN_HOME: home, CLAUDE_PROJECT_DIR: project, SOAK_CORE: core, AGENT_WARDEN_NATIVE: native };
  process.env.AGENT_WARDEN_NATIVE = native;
  const per = Math.ceil(total / procs);
  console.log(`soak: ${per * procs} events, ${procs} processes, ~${Math.round(hookShare * 100)}% through real hook processes, ledger ${home}`);
  const started = Date.now();
  const stats = await Promise.all(
    Array.from({ length: procs }, (_, w) =>
      new Promise((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), [], { env: { ...env, SOAK_WORKER: String(w), SOAK_COUNT: String(per), SOAK_HOOK_SHARE: String(hookShare), SOAK_PROJECT: project } });
        child.on('message', resolve);
        child.on('exit', (code) => (code ? reject(new Error(`worker ${w} exited ${code}`)) : undefined));
      }),
    ),
  );
  const ms = Date.now() - started;
  const lib = require(core);
  process.env.AGENT_WARDEN_HOME = home;
  const db = lib.openLedger({ path: path.join(home, 'ledger.db') });
  const leftInSpool = lib.spooledFiles().length;
  const rows = db.prepare(`SELECT json_extract(payload, '$.soak_id') AS id, count(*) AS n FROM events WHERE json_extract(payload, '$.soak_id') IS NOT NULL GROUP BY id`).all();
  const twice = rows.filter((r) => r.n > 1).length;
  const integrity = db.pragma('integrity_check', { simple: true });
  const before = JSON.stringify(lib.snapshotProjections(db));
  lib.rebuildProjections(db, { pricing: {} });
  const same = JSON.stringify(lib.snapshotProjections(db)) === before;
  db.close();
  const sum = (k) => stats.reduce((a, s) => a + s[k], 0);
  const lat = stats.flatMap((s) => s.inProcMs).sort((a, b) => a - b);
  const hookLat = stats.flatMap((s) => s.hookMs).sort((a, b) => a - b);
  const q = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(1) : '-');
  const result = {
    sent: sum('sent'), stored: rows.length, storedTwice: twice, leftInSpool, hookErrors: sum('hookErrors'), stderrLines: sum('stderrLines'),
    integrity, projectionsEqualRebuild: same, seconds: ms / 1000, eventsPerSecond: Math.round(sum('sent') / (ms / 1000)),
    stderrSamples: [...new Set(stats.flatMap((s) => s.samples))].slice(0, 8),
    inProcessMs: { p50: q(lat, 0.5), p99: q(lat, 0.99), max: q(lat, 1) }, hookProcessMs: { n: hookLat.length, p50: q(hookLat, 0.5), p99: q(hookLat, 0.99), max: q(hookLat, 1) },
  };
  console.log(JSON.stringify(result, null, 2));
  const ok = result.stored === result.sent && twice === 0 && leftInSpool === 0 && result.hookErrors === 0 && integrity === 'ok' && same;
  if (ok) fs.rmSync(root, { recursive: true, force: true });
  else {
    const ids = new Set(rows.map((r) => r.id));
    const missing = stats.flatMap((_, w) => Array.from({ length: per }, (_, i) => `${w}-${i}`)).filter((id) => !ids.has(id));
    console.log(`missing: ${missing.slice(0, 20).join(', ')}; kept ${root} (see warden/warden.log)`);
  }
  console.log(ok ? 'soak: OK' : 'soak: FAILED');
  process.exitCode = ok ? 0 : 1;
}

async function worker() {
  const lib = require(process.env.SOAK_CORE);
  const w = Number(process.env.SOAK_WORKER);
  const count = Number(process.env.SOAK_COUNT);
  const share = Number(process.env.SOAK_HOOK_SHARE);
  const cwd = process.env.SOAK_PROJECT;
  const session = `soak-${w % 4}`; // four sessions shared by 16 processes: agents of one session in parallel
  const stats = { sent: 0, hookErrors: 0, stderrLines: 0, inProcMs: [], hookMs: [], samples: [] };
  let seed = w + 1;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let i = 0; i < count; i++) {
    const soak_id = `${w}-${i}`;
    const agent = rand(3) === 0 ? undefined : `agent-${w}-${rand(3)}`;
    const base = { session_id: session, cwd, permission_mode: 'default', soak_id, ...(agent ? { agent_id: agent, agent_type: 'general-purpose' } : {}) };
    const toolUseId = `toolu_${w}_${i >> 1}`;
    const kinds = ['PreToolUse', i % 7 === 0 ? 'PostToolUseFailure' : 'UserPromptSubmit'];
    const kind = kinds[i % 2];
    const payload =
      kind === 'PreToolUse' ? { ...base, hook_event_name: kind, tool_name: 'Bash', tool_input: { command: `echo ${i % 13}` }, tool_use_id: toolUseId }
      : kind === 'PostToolUseFailure' ? { ...base, hook_event_name: kind, tool_name: 'Bash', tool_input: { command: `echo ${i % 13}` }, tool_use_id: toolUseId, error: 'exit 1' }
      : { ...base, hook_event_name: 'UserPromptSubmit', prompt: `round ${i}` };
    const text = JSON.stringify(payload);
    const t = performance.now();
    if (rand(1000) < share * 1000) {
      const r = spawnSync(process.execPath, [path.join(repo, 'dist', 'hook.cjs')], { input: text, encoding: 'utf8' });
      stats.hookMs.push(performance.now() - t);
      if (r.status !== 0) {
        stats.hookErrors++;
        stats.samples.push(`exit ${r.status} ${r.signal ?? ''} ${r.error?.message ?? ''} ${r.stderr.slice(0, 300)}`);
      }
      if (r.stderr.trim()) {
        stats.stderrLines += r.stderr.trim().split('\n').length;
        if (stats.samples.length < 5) stats.samples.push(r.stderr.trim().slice(0, 300));
      }
    } else {
      lib.ingestHookInput(text);
      stats.inProcMs.push(performance.now() - t);
    }
    stats.sent++;
  }
  process.send(stats, () => process.exit(0));
}

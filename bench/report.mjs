// Benchmark: `agent-warden report --json` over a ledger of 1,000,000 events and 100,000
// dispatches must answer in under 1 s. Seeds the ledger (the real schema, created by the real
// hook) in one transaction with prepared inserts, then times the built CLI as a user runs it.
//   node bench/report.mjs [--events N] [--dispatches N]      (run `node scripts/build.mjs` first)
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(REPO, 'dist', 'cli.cjs');
const HOOK = join(REPO, 'dist', 'hook.cjs');
const TYPES = ['code-reviewer', 'test-runner', 'Explore', 'general-purpose', 'doc-writer', 'security-auditor', 'Plan', 'refactorer'];
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101'];
const STATUSES = ['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'failed', 'killed', 'denied', 'completed'];
const PROJECTS = ['/bench/app', '/bench/api', '/bench/web'];

/** Creates a ledger under `home` through the real hook, then fills it. Returns seeding time in ms. */
export function seedLedger(home, { events = 1_000_000, dispatches = 100_000, now = Date.now() } = {}) {
  const env = { ...process.env, AGENT_WARDEN_HOME: home };
  const start = { hook_event_name: 'SessionStart', session_id: 'bench-0', cwd: PROJECTS[0], transcript_path: join(home, 'none.jsonl'), source: 'startup' };
  const hook = spawnSync(process.execPath, [HOOK], { input: JSON.stringify(start), env, encoding: 'utf8' });
  if (hook.status !== 0) throw new Error(`hook failed: ${hook.stderr}`);

  const t0 = performance.now();
  const db = new Database(join(home, 'ledger.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const ev = db.prepare(`INSERT INTO events (uid, received_at, kind, session_id, project, agent_id, tool_name, tool_use_id, source, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'command', ?)`);
  const dsp = db.prepare(`INSERT INTO dispatches (session_id, tool_use_id, project, agent_id, agent_type, requested_type, description, prompt, background,
      started_at, ended_at, duration_ms, completed, failed, killed, denied, status, error, reported_total_tokens, context_files)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const run = db.prepare(`INSERT INTO agent_runs (session_id, agent_id, project, agent_type, tool_use_id, started_at, ended_at, stopped, model,
      input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, unpriced_tokens)
    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, 0)`);
  const use = db.prepare(`INSERT INTO usage (session_id, agent_id, message_id, project, agent_type, ts, model, input_tokens, output_tokens,
      cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, total_tokens, cost_usd) VALUES (?, '', ?, ?, NULL, ?, ?, ?, ?, ?, 0, ?, ?, ?)`);
  const span = 30 * 86_400_000;
  const perDispatch = Math.max(1, Math.floor(events / dispatches));
  let seq = 0;
  db.transaction(() => {
    for (let i = 0; i < dispatches; i++) {
      const session = `bench-${Math.floor(i / 20)}`;
      const project = PROJECTS[i % PROJECTS.length];
      const type = TYPES[i % TYPES.length];
      const status = STATUSES[i % STATUSES.length];
      const startedAt = now - span + Math.floor((i / dispatches) * span);
      const duration = status === 'denied' ? null : 2_000 + ((i * 7919) % 120_000);
      const toolUseId = `toolu_${i}`;
      const agentId = status === 'denied' ? null : `a${i}`;
      const ctx = i % 5 === 0 ? JSON.stringify([{ path: 'docs/architecture.md', bytes: 24_000, tokens: 6_000 }]) : null;
      dsp.run(session, toolUseId, project, agentId, type, type, `task ${i}`, `Do task ${i}`, startedAt, duration === null ? null : startedAt + duration, duration,
        status === 'completed' ? 1 : 0, status === 'failed' || status === 'killed' ? 1 : 0, status === 'killed' ? 1 : 0, status === 'denied' ? 1 : 0,
        status, status === 'completed' ? null : `error ${i}`, agentId ? 40_000 + (i % 1000) : null, ctx);
      if (agentId) {
        const [input, output, cw, cr] = [2_000 + (i % 500), 800 + (i % 300), 5_000, 30_000 + (i % 2000)];
        run.run(session, agentId, project, type, toolUseId, startedAt, startedAt + duration, MODELS[i % MODELS.length], input, output, cw, cr, input + output + cw + cr, (input * 3 + output * 15 + cw * 3.75 + cr * 0.3) / 1e6);
      }
      // Two main-thread messages per dispatch.
      for (let m = 0; m < 2; m++) use.run(session, `msg_${i}_${m}`, project, startedAt + m, MODELS[0], 1_000, 200, 3_000, 20_000, 24_200, 0.0201);
      // The hook events this dispatch produced, up to the target count.
      for (let e = 0; e < perDispatch && seq < events; e++, seq++) {
        const kind = ['PreToolUse', 'PostToolUse', 'SubagentStart', 'SubagentStop', 'transcript_usage'][e % 5];
        ev.run(`bench:${seq}`, startedAt + e, kind, session, project, agentId, e < 2 ? 'Agent' : null, toolUseId, `{"hook_event_name":"${kind}","tool_use_id":"${toolUseId}","n":${seq}}`);
      }
    }
  })();
  db.close();
  return performance.now() - t0;
}

/** Seeds a fresh ledger and times `report --json --all-projects` (best of `runs`), as a process. */
export function benchReport({ events = 1_000_000, dispatches = 100_000, runs = 3 } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'aw-bench-report-'));
  try {
    const seedMs = seedLedger(home, { events, dispatches });
    const env = { ...process.env, AGENT_WARDEN_HOME: home, NO_COLOR: '1' };
    const times = [];
    let report;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const out = spawnSync(process.execPath, [CLI, 'report', '--json', '--all-projects', '--by', 'agent'], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
      times.push(performance.now() - t);
      if (out.status !== 0) throw new Error(`report failed: ${out.stderr}`);
      report = JSON.parse(out.stdout);
    }
    if (report.total.dispatches !== dispatches) throw new Error(`report counted ${report.total.dispatches} dispatches, expected ${dispatches}`);
    const best = Math.min(...times);
    return { name: 'report --json', events, dispatches, seed_ms: Math.round(seedMs), report_ms: Math.round(best), runs_ms: times.map(Math.round), limit_ms: 1000, ok: best < 1000 };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const result = benchReport({ events: arg('--events', 1_000_000), dispatches: arg('--dispatches', 100_000) });
  console.log(JSON.stringify(result));
  if (!result.ok) process.exitCode = 1;
}

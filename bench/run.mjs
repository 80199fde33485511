// `npm run bench`: every speed target of agent-warden, measured in one run on this machine.
// Ratios are taken against a floor measured alongside (`node -e ""`), so a slow or busy machine
// moves both; absolute limits are for the data-heavy commands. Prints a table and exits 1 if a
// hard limit is missed (ratios are goals and only reported).
//   npm run build && npm run bench [-- --quick]
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedLedger } from './report.mjs';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const HOOK = join(REPO, 'dist', 'hook.cjs');
const CLI = join(REPO, 'dist', 'cli.cjs');
const quick = process.argv.includes('--quick');
const results = [];

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (n) => `${n.toFixed(1)} ms`;
const timed = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
// The plugin starts its hooks with `env -u NODE_EXTRA_CA_CERTS` (that variable costs Node ~38 ms).
const baseEnv = (extra) => {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
};

function hookVersusFloor() {
  const home = mkdtempSync(join(tmpdir(), 'aw-bench-hook-'));
  const env = baseEnv({ AGENT_WARDEN_HOME: home });
  const payload = (i) =>
    JSON.stringify({
      session_id: 'bench-hook',
      transcript_path: join(home, 'none.jsonl'),
      cwd: home,
      permission_mode: 'default',
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: `ls -la src/${i % 7}`, description: 'List files' },
      tool_use_id: `toolu_bench_${i}`,
    });
  try {
    spawnSync(process.execPath, [HOOK], { input: payload(-1), env }); // creates the ledger
    const runs = quick ? 15 : 40;
    const floor = [];
    const hook = [];
    // Alternated, so drift and noise hit both series alike.
    for (let i = 0; i < runs; i++) {
      floor.push(timed(() => spawnSync(process.execPath, ['-e', ''], { env })));
      hook.push(
        timed(() => {
          const r = spawnSync(process.execPath, [HOOK], { input: payload(i), env, encoding: 'utf8' });
          if (r.status !== 0 || r.stderr) throw new Error(`hook failed: ${r.stderr}`);
        }),
      );
    }
    const ratio = quantile(hook, 0.5) / quantile(floor, 0.5);
    results.push({
      what: 'command hook, PreToolUse of a plain tool',
      value: `p50 ${ms(quantile(hook, 0.5))}, p95 ${ms(quantile(hook, 0.95))}; node -e "" p50 ${ms(quantile(floor, 0.5))}, p95 ${ms(quantile(floor, 0.95))}`,
      target: `ratio ${ratio.toFixed(2)}x (goal <= 1.5x)`,
      ok: ratio <= 1.5,
      hard: false,
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function residentVersusCommand() {
  const r = spawnSync(process.execPath, [join(REPO, 'bench', 'resident.mjs'), '--runs', quick ? '20' : '60'], { encoding: 'utf8', env: process.env });
  const out = `${r.stdout}`;
  const resident = /resident[^\n]*?p50 ([\d.]+) ms, p95 ([\d.]+) ms/.exec(out);
  const command = /command hook[^\n]*?p50 ([\d.]+) ms, p95 ([\d.]+) ms/.exec(out);
  if (!resident || !command) {
    results.push({ what: 'resident PreToolUse decision', value: `failed: ${(r.stderr || out).trim().split('\n').pop()}`, target: 'p50 <= 5 ms', ok: false, hard: false });
    return;
  }
  const [p50, p95, c50] = [Number(resident[1]), Number(resident[2]), Number(command[1])];
  results.push({
    what: 'resident PreToolUse decision (MCP tools/call)',
    value: `p50 ${ms(p50)}, p95 ${ms(p95)}; command hook p50 ${ms(c50)} (${(c50 / p50).toFixed(1)}x slower)`,
    target: 'goal p50 <= 5 ms',
    ok: p50 <= 5,
    hard: false,
  });
}

function ledgerQueries() {
  const home = mkdtempSync(join(tmpdir(), 'aw-bench-ledger-'));
  const events = quick ? 100_000 : 1_000_000;
  const dispatches = quick ? 10_000 : 100_000;
  try {
    const seedMs = seedLedger(home, { events, dispatches });
    const env = baseEnv({ AGENT_WARDEN_HOME: home, NO_COLOR: '1' });
    const time = (args, check) => {
      const runs = [];
      for (let i = 0; i < 3; i++) {
        let out;
        runs.push(timed(() => (out = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 }))));
        if (out.status !== 0) throw new Error(`${args.join(' ')} failed: ${out.stderr}`);
        check(out.stdout);
      }
      return quantile(runs, 0.5);
    };
    const list = time(['dispatches', '--json'], (stdout) => {
      const n = JSON.parse(stdout).length;
      if (n !== dispatches) throw new Error(`dispatches --json printed ${n} records, expected ${dispatches}`);
    });
    results.push({ what: `dispatches --json over ${dispatches.toLocaleString('en-US')} dispatches`, value: `median ${ms(list)} (seeded in ${Math.round(seedMs)} ms)`, target: '< 1,000 ms', ok: list < 1000, hard: true });
    const report = time(['report', '--json', '--all-projects', '--by', 'agent'], (stdout) => {
      if (JSON.parse(stdout).total.dispatches !== dispatches) throw new Error('report counted the wrong number of dispatches');
    });
    results.push({ what: `report --json over ${events.toLocaleString('en-US')} events / ${dispatches.toLocaleString('en-US')} dispatches`, value: `median ${ms(report)}`, target: '< 1,000 ms', ok: report < 1000, hard: true });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function curatorPlanning() {
  // planOver is TypeScript: bundle it for this process, the way the CLI bundles the curator.
  const out = join(mkdtempSync(join(tmpdir(), 'aw-bench-curator-')), 'bench.cjs');
  buildSync({ entryPoints: [join(REPO, 'src/core/curator/bench.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'error' });
  // The bundle lives in a temp dir, away from node_modules: point it at the native module.
  process.env.AGENT_WARDEN_NATIVE ??= join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const { planOver } = createRequire(import.meta.url)(out);
  const r = planOver(1000);
  rmSync(resolve(out, '..'), { recursive: true, force: true });
  results.push({
    what: 'curator: catalog + plan over 1,000 agents',
    value: `${ms(r.firstPlanMs)} (repeat ${ms(r.repeatPlanMs)}; tokenizer built once in ${ms(r.tokenizerMs)})`,
    target: '< 500 ms',
    ok: r.firstPlanMs < 500,
    hard: true,
  });
}

function statuslineVersusFloor() {
  const r = spawnSync(process.execPath, [join(REPO, 'bench', 'statusline.mjs'), '--runs', quick ? '15' : '40'], { encoding: 'utf8', env: process.env });
  const m = /ratio warm ([\d.]+)x/.exec(r.stdout);
  const line = (r.stdout || r.stderr).trim().split('\n')[0];
  results.push({ what: 'status line (warm) vs node -e ""', value: m ? line : `failed: ${line}`, target: m ? `ratio ${m[1]}x (goal <= 1.5x)` : 'goal <= 1.5x', ok: m ? Number(m[1]) <= 1.5 : false, hard: false });
}

// What the resident server does per tool call (ingest: parse, record, decide), in process, early in
// one thread and after thousands of calls in it: a call must not cost more as the session grows.
function longThread() {
  const calls = quick ? 3000 : 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'aw-bench-thread-'));
  const out = join(dir, 'thread.cjs');
  buildSync({
    stdin: {
      contents: `
        import { ingestHookInput } from '../src/hooks/ingest';
        import { openLedger } from '../src/ledger/db';
        import { cachedConfig } from '../src/runtime/config/cached';
        export function perCall(calls: number, project: string): number[] {
          const db = openLedger();
          const times: number[] = [];
          for (let i = 0; i < calls; i++) {
            const text = JSON.stringify({ hook_event_name: 'PreToolUse', session_id: 'bench-thread', transcript_path: project + '/none.jsonl', cwd: project, permission_mode: 'default', tool_name: 'Bash', tool_input: { command: 'ls src/' + (i % 7) }, tool_use_id: 'toolu_' + i });
            const t = performance.now();
            ingestHookInput(text, { source: 'mcp', db, loadConfig: cachedConfig });
            times.push(performance.now() - t);
          }
          db.close();
          return times;
        }`,
      resolveDir: join(REPO, 'bench'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
  });
  const saved = { home: process.env.AGENT_WARDEN_HOME, project: process.env.CLAUDE_PROJECT_DIR };
  process.env.AGENT_WARDEN_NATIVE ??= join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  process.env.AGENT_WARDEN_HOME = join(dir, 'home');
  process.env.CLAUDE_PROJECT_DIR = dir;
  try {
    const times = createRequire(import.meta.url)(out).perCall(calls, dir);
    const early = quantile(times.slice(100, 300), 0.5);
    const late = quantile(times.slice(-200), 0.5);
    results.push({
      what: `resident PreToolUse in process, call ${calls.toLocaleString('en-US')} of a thread vs call 200`,
      value: `median ${late.toFixed(3)} ms vs ${early.toFixed(3)} ms (${(late / early).toFixed(2)}x)`,
      target: 'goal <= 1.5x',
      ok: late / early <= 1.5,
      hard: false,
    });
  } finally {
    for (const [key, value] of [['AGENT_WARDEN_HOME', saved.home], ['CLAUDE_PROJECT_DIR', saved.project]]) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const step of [hookVersusFloor, residentVersusCommand, statuslineVersusFloor, longThread, ledgerQueries, curatorPlanning]) {
  process.stderr.write(`bench: ${step.name}…\n`);
  try {
    step();
  } catch (err) {
    results.push({ what: step.name, value: `failed: ${err.message}`, target: '', ok: false, hard: true });
  }
}

const width = Math.max(...results.map((r) => r.what.length));
for (const r of results) console.log(`${r.ok ? 'ok  ' : r.hard ? 'FAIL' : 'miss'}  ${r.what.padEnd(width)}  ${r.value}  [${r.target}]`);
if (results.some((r) => !r.ok && r.hard)) process.exitCode = 1;

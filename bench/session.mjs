// `npm run bench:session` (issue 20): what agent-warden adds to a real session, against the floor
// of its design. The real CLI, against the mock model, runs sessions of SHORT and LONG tool calls
// three ways — no plugin; the floor plugin (bench/floor-plugin: an MCP server whose one tool does
// nothing, wired as mcp_tool hooks to the events, matchers and input block of agent-warden's own
// mcp_tool hooks); agent-warden — alternated, median of RUNS. Between the two lengths, the slope
// is the cost of one more tool call and the intercept the fixed cost of a session. agent-warden's
// own share is its cost minus the floor's; its fixed share is given as a ratio to `node -e ""`
// measured in the same run, as is the command hook path (the fallback when the server is down).
// On a small machine session times vary by seconds, more than the slope is worth; `--cycles` adds a
// steadier measure of the same thing: LONG-call sessions run with Claude Code's --debug-file, timed
// from one tool call's dispatch to the next in Claude Code's own log, with each plugin server's CPU
// per call read from /proc.
//   node bench/session.mjs [--runs N] [--short N] [--long N] [--split] [--cycles]   (run `npm run build` first)
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 3);
const SHORT = arg('--short', 20);
const LONG = arg('--long', 80);
const GOAL_PER_CALL_MS = 2;
const GOAL_FIXED_RATIO = 3;
const GOAL_COMMAND_RATIO = 1.5;

// The e2e harness (mock model, CLI runner) is TypeScript: bundle it once rather than copy it.
// It lands in bench/results/ (git-ignored), two levels below the repo like test/support/, so
// its path to node_modules/.bin/claude still resolves.
const support = join(REPO, 'bench', 'results', 'harness.cjs');
await build({
  stdin: {
    contents: "export * from '../test/support/claude-cli'; export * from '../test/support/conversation'; export * from '../test/support/mock-model';",
    resolveDir: join(REPO, 'bench'),
    loader: 'ts',
  },
  outfile: support,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
});
const { bash, conversation, makeHome, makeProject, runClaude, startMockModel, text } = createRequire(import.meta.url)(support);

// The floor plugin gets agent-warden's mcp_tool hooks as they are (same events, matchers, input
// block, timeouts), pointed at its own do-nothing server; agent-warden's command hooks have no
// counterpart there, so whatever they cost counts as agent-warden's own.
const floorPlugin = mkdtempSync(join(tmpdir(), 'aw-bench-floor-'));
cpSync(join(REPO, 'bench', 'floor-plugin'), floorPlugin, { recursive: true });
const wardenHooks = JSON.parse(readFileSync(join(REPO, 'hooks', 'hooks.json'), 'utf8')).hooks;
const floorHooks = {};
for (const [event, groups] of Object.entries(wardenHooks)) {
  const kept = groups
    .map((g) => ({ ...g, hooks: g.hooks.filter((h) => h.type === 'mcp_tool').map((h) => ({ ...h, server: 'plugin:hook-floor:floor' })) }))
    .filter((g) => g.hooks.length);
  if (kept.length) floorHooks[event] = kept;
}
mkdirSync(join(floorPlugin, 'hooks'));
writeFileSync(join(floorPlugin, 'hooks', 'hooks.json'), JSON.stringify({ hooks: floorHooks }, null, 2));

const variants = { none: [], floor: [floorPlugin], warden: [REPO] };

// --split: where agent-warden's own per-call share goes. `spawn` is the floor plugin plus agent-warden's
// PreToolUse command hooks made to do nothing (`true`): what Claude Code pays to start a process per
// call. `resident` is agent-warden without its command fallback on PreToolUse: the server's own work.
const split = process.argv.includes('--split');
const extraDirs = [];
if (split) {
  const spawnPlugin = mkdtempSync(join(tmpdir(), 'aw-bench-spawn-'));
  cpSync(floorPlugin, spawnPlugin, { recursive: true });
  // agent-warden's PreToolUse command hooks as they are (matchers, async flags), each running `true`.
  const spawnHooks = JSON.parse(JSON.stringify(floorHooks));
  for (const g of wardenHooks.PreToolUse) {
    const commands = g.hooks.filter((h) => h.type === 'command').map((h) => ({ ...h, command: 'true', args: undefined }));
    if (commands.length) spawnHooks.PreToolUse.push({ ...g, hooks: commands });
  }
  writeFileSync(join(spawnPlugin, 'hooks', 'hooks.json'), JSON.stringify({ hooks: spawnHooks }, null, 2));
  const residentPlugin = mkdtempSync(join(tmpdir(), 'aw-bench-resident-'));
  for (const part of ['.claude-plugin', '.mcp.json', 'agents', 'commands', 'skills', 'dist', 'hooks', 'package.json']) cpSync(join(REPO, part), join(residentPlugin, part), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(residentPlugin, 'node_modules'));
  const residentHooks = JSON.parse(JSON.stringify(wardenHooks));
  for (const g of residentHooks.PreToolUse) g.hooks = g.hooks.filter((h) => h.type === 'mcp_tool');
  writeFileSync(join(residentPlugin, 'hooks', 'hooks.json'), JSON.stringify({ hooks: residentHooks }, null, 2));
  variants.spawn = [spawnPlugin];
  variants.resident = [residentPlugin];
  extraDirs.push(spawnPlugin, residentPlugin);
}
const cycles = process.argv.includes('--cycles');
let cycleModel; // the mock model of --cycles, started when it runs
const session = (calls) => conversation().main(...Array.from({ length: calls }, (_, i) => bash(`echo call-${i}`)), text('done')).script();
const models = { [SHORT]: await startMockModel(session(SHORT)), [LONG]: await startMockModel(session(LONG)) };
const home = makeHome();
const project = makeProject();
const times = Object.fromEntries(Object.keys(variants).map((v) => [v, { [SHORT]: [], [LONG]: [] }]));
const problems = [];

async function once(variant, calls, { model = models[calls], extraArgs = [] } = {}) {
  const wardenHome = makeHome();
  try {
    const run = await runClaude({ prompt: 'bench', modelUrl: model.url, home: home.path, cwd: project.path, pluginDirs: variants[variant], wardenHome: wardenHome.path, timeoutMs: 600_000, extraArgs });
    if (run.exitCode !== 0 || run.result?.result !== 'done') problems.push(`${variant}/${calls}: exit ${run.exitCode} ${run.stderr.slice(0, 200)}`);
    if (variant === 'warden' || variant === 'resident') {
      // Nothing skipped for speed: every tool call is in the ledger.
      const db = new Database(join(wardenHome.path, 'ledger.db'), { readonly: true });
      const recorded = db.prepare(`SELECT count(DISTINCT tool_use_id) AS n FROM events WHERE kind = 'PreToolUse' AND session_id = ?`).get(run.result?.session_id).n;
      db.close();
      if (recorded !== calls) problems.push(`warden/${calls}: ledger has ${recorded} of ${calls} tool calls`);
    }
    return run.durationMs;
  } finally {
    wardenHome.cleanup();
  }
}

// `node -e ""` and the command hook, alternated, in the same run as the sessions.
const nodeEnv = { ...process.env };
delete nodeEnv.NODE_EXTRA_CA_CERTS; // the plugin starts Node without it (it costs ~38 ms per start)
const floorNode = [];
const commandHook = [];
const hookHome = mkdtempSync(join(tmpdir(), 'aw-bench-hook-'));
const hookPayload = (i) =>
  JSON.stringify({
    session_id: 'bench-hook',
    transcript_path: join(hookHome, 'none.jsonl'),
    cwd: hookHome,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: `echo call-${i}`, description: 'echo' },
    tool_use_id: `toolu_bench_${i}`,
  });
let hookN = 0;
function nodeStarts(n) {
  const env = { ...nodeEnv, AGENT_WARDEN_HOME: hookHome };
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    spawnSync(process.execPath, ['-e', ''], { env });
    floorNode.push(performance.now() - t);
    t = performance.now();
    const r = spawnSync(process.execPath, [join(REPO, 'dist', 'hook.cjs')], { input: hookPayload(hookN++), env, encoding: 'utf8' });
    commandHook.push(performance.now() - t);
    if (r.status !== 0 || r.stderr) problems.push(`command hook: exit ${r.status} ${r.stderr.slice(0, 200)}`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  spawnSync(process.execPath, [join(REPO, 'dist', 'hook.cjs')], { input: hookPayload(-1), env: { ...nodeEnv, AGENT_WARDEN_HOME: hookHome } }); // creates the ledger
  await once('none', SHORT); // warm the CLI's own caches
  for (let r = 0; r < RUNS; r++) {
    // Alternate the order so drift in machine load falls on every variant alike.
    const order = r % 2 ? Object.keys(variants).reverse() : Object.keys(variants);
    for (const variant of order) for (const calls of r % 2 ? [LONG, SHORT] : [SHORT, LONG]) times[variant][calls].push(await once(variant, calls));
    nodeStarts(10);
    process.stderr.write(`run ${r + 1}/${RUNS}: ${Object.entries(times).map(([k, v]) => `${k} ${v[SHORT].at(-1)}/${v[LONG].at(-1)} ms`).join(', ')}\n`);
  }
  // Slope and intercept of each variant's session time over its tool calls, less the plain CLI's.
  const fit = (v) => {
    const s = median(times[v][SHORT]) - median(times.none[SHORT]);
    const l = median(times[v][LONG]) - median(times.none[LONG]);
    const perCall = (l - s) / (LONG - SHORT);
    return { perCall, fixed: s - perCall * SHORT };
  };
  const floor = fit('floor');
  const warden = fit('warden');
  const node = median(floorNode);
  const own = { perCall: warden.perCall - floor.perCall, fixed: warden.fixed - floor.fixed };
  const commandRatio = median(commandHook) / node;
  const line = (label, f) => console.log(`  ${label.padEnd(34)} ${f.perCall.toFixed(2).padStart(6)} ms per tool call + ${Math.round(f.fixed).toString().padStart(5)} ms per session`);
  console.log(`sessions of ${SHORT} and ${LONG} tool calls, median of ${RUNS}; without a plugin: ${median(times.none[SHORT])} / ${median(times.none[LONG])} ms`);
  line('floor plugin (no-op mcp_tool)', floor);
  line('agent-warden', warden);
  line("agent-warden's own share", own);
  if (split) {
    const spawn = fit('spawn');
    const resident = fit('resident');
    line('  of which: a no-op command hook', { perCall: spawn.perCall - floor.perCall, fixed: spawn.fixed - floor.fixed });
    line('  of which: the server alone', { perCall: resident.perCall - floor.perCall, fixed: resident.fixed - floor.fixed });
  }
  console.log(`node -e "": median ${node.toFixed(1)} ms; command hook (PreToolUse, plain tool): median ${median(commandHook).toFixed(1)} ms`);
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  console.log(`goal: own share <= ${GOAL_PER_CALL_MS} ms per tool call: ${verdict(own.perCall <= GOAL_PER_CALL_MS)} (${own.perCall.toFixed(2)} ms)`);
  console.log(`goal: own fixed share <= ${GOAL_FIXED_RATIO}x node -e "": ${verdict(own.fixed / node <= GOAL_FIXED_RATIO)} (ratio ${(own.fixed / node).toFixed(2)}x)`);
  console.log(`goal: command hook path <= ${GOAL_COMMAND_RATIO}x node -e "": ${verdict(commandRatio <= GOAL_COMMAND_RATIO)} (ratio ${commandRatio.toFixed(2)}x)`);
  if (cycles) await reportCycles();
  console.log(problems.length ? `PROBLEMS:\n${problems.join('\n')}` : 'ledger: every tool call recorded in every agent-warden session');
  if (problems.length) process.exitCode = 1;
} finally {
  await cycleModel?.close();
  for (const m of Object.values(models)) await m.close();
  home.cleanup();
  project.cleanup();
  rmSync(floorPlugin, { recursive: true, force: true });
  for (const dir of extraDirs) rmSync(dir, { recursive: true, force: true });
  rmSync(hookHome, { recursive: true, force: true });
}

// --cycles: per tool call, from Claude Code's own debug log (one dispatch to the next, and the
// PreToolUse hook phase: from its mcp_tool call to the dispatch), and the plugin server's CPU per
// call from /proc, read at the 4th call and at the last. Sessions of LONG calls, alternated, RUNS each.
async function reportCycles() {
  const probe = { dir: undefined, at: [] };
  const sample = (reply) => () => (probe.at.push(serverCpuMs(probe.dir)), reply);
  const steps = Array.from({ length: LONG }, (_, i) => bash(`echo call-${i}`));
  cycleModel = await startMockModel(conversation().main(...steps.slice(0, 3), sample(steps[3]), ...steps.slice(4), sample(text('done'))).script());
  const names = Object.keys(variants).filter((v) => v !== 'none');
  const seen = Object.fromEntries(names.map((v) => [v, { cycle: [], phase: [], cpu: [] }]));
  const logDir = mkdtempSync(join(tmpdir(), 'aw-bench-debug-'));
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const v of r % 2 ? [...names].reverse() : names) {
        const file = join(logDir, `${v}-${r}.log`);
        Object.assign(probe, { dir: variants[v][0], at: [] });
        await once(v, LONG, { model: cycleModel, extraArgs: ['--debug-file', file] });
        const { cycle, phase } = debugLogTimes(readFileSync(file, 'utf8'));
        seen[v].cycle.push(...cycle);
        seen[v].phase.push(...phase);
        const [a, b] = probe.at;
        if (a !== undefined && b !== undefined) seen[v].cpu.push((b - a) / (LONG - 4));
      }
      process.stderr.write(`--cycles run ${r + 1}/${RUNS}\n`);
    }
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
  const m = (xs) => (xs.length ? median(xs) : NaN);
  const labels = { floor: 'floor plugin (no-op mcp_tool)', warden: 'agent-warden', spawn: '  floor + a no-op command hook', resident: '  agent-warden, no command hook' };
  console.log(`Claude Code's debug log, ${RUNS} alternated sessions of ${LONG} tool calls each (median per call; server CPU from /proc):`);
  for (const v of names) {
    const cpu = seen[v].cpu.length ? `; its server's CPU ${m(seen[v].cpu).toFixed(2)} ms` : '';
    console.log(`  ${labels[v].padEnd(34)} ${m(seen[v].cycle).toFixed(1).padStart(6)} ms from one call to the next (PreToolUse hooks ${m(seen[v].phase).toFixed(1)} ms)${cpu}`);
  }
  const own = m(seen.warden.cycle) - m(seen.floor.cycle);
  const cpu = seen.warden.cpu.length && seen.floor.cpu.length ? `, server CPU +${(m(seen.warden.cpu) - m(seen.floor.cpu)).toFixed(2)} ms` : '';
  console.log(`  ${"agent-warden's own share".padEnd(34)} ${own.toFixed(1).padStart(6)} ms per tool call (PreToolUse hooks +${(m(seen.warden.phase) - m(seen.floor.phase)).toFixed(1)} ms${cpu})`);
}

/** Times between consecutive tool dispatches (after the first three) and each call's PreToolUse hook phase. */
function debugLogTimes(log) {
  const cycle = [];
  const phase = [];
  let last;
  let hooksFrom;
  let n = 0;
  for (const line of log.split('\n')) {
    const t = Date.parse(line.slice(0, 24));
    if (line.includes('Hooks: mcp_tool calling')) hooksFrom ??= t;
    else if (line.includes('tool_dispatch_start')) {
      if (++n > 3 && last !== undefined) cycle.push(t - last);
      if (n > 3 && hooksFrom !== undefined) phase.push(t - hooksFrom);
      last = t;
      hooksFrom = undefined;
    }
  }
  return { cycle, phase };
}

/** CPU time (ms) of the MCP server started from `dir`, from /proc; undefined where there is none. */
function serverCpuMs(dir) {
  if (!existsSync('/proc/self/stat')) return undefined;
  const scripts = new Set([join(dir, 'server.cjs'), join(dir, 'dist', 'server.cjs')]);
  let total;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => scripts.has(a))) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total = (total ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks, USER_HZ 100
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

// Benchmark (issue 10): what agent-warden adds to a real session. A 60-tool-call session with the
// real CLI against the mock model, run without the plugin, with it (resident server answering
// tool hooks) and with its server absent (command-hook fallback), alternated, median of several
// runs. Prints ms added per tool call and checks the ledger holds every one of the 60 calls.
//   node bench/session.mjs [--runs N] [--calls N]       (run `node scripts/build.mjs` first)
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 5);
const CALLS = arg('--calls', 60);
// A short session too, so that the per-session cost (lifecycle hooks, server start) and the
// marginal cost of one more tool call can be told apart.
const SHORT = Math.max(1, Math.floor(CALLS / 6));

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

// The fallback variant: the same plugin without its MCP server, so every tool hook takes the
// command path (the mcp_tool hooks find no server and step aside).
const fallbackPlugin = mkdtempSync(join(tmpdir(), 'aw-bench-fallback-'));
for (const item of ['.claude-plugin', 'dist', 'hooks', 'commands']) cpSync(join(REPO, item), join(fallbackPlugin, item), { recursive: true });
symlinkSync(join(REPO, 'node_modules'), join(fallbackPlugin, 'node_modules'));

// For scale: a plugin whose only hook is a no-op command on PreToolUse, i.e. what Claude Code
// itself charges for running any hook on every tool call.
const floorPlugin = mkdtempSync(join(tmpdir(), 'aw-bench-floor-'));
mkdirSync(join(floorPlugin, '.claude-plugin'));
mkdirSync(join(floorPlugin, 'hooks'));
writeFileSync(join(floorPlugin, '.claude-plugin', 'plugin.json'), JSON.stringify({ name: 'hook-floor', version: '0.0.1' }));
writeFileSync(join(floorPlugin, 'hooks', 'hooks.json'), JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'true' }] }] } }));

// For scale: a no-op mcp_tool hook on PreToolUse, answered at once by a minimal MCP server (no SDK,
// no ledger): what Claude Code charges for the mcp_tool path itself on this machine.
const mcpFloorPlugin = mkdtempSync(join(tmpdir(), 'aw-bench-mcpfloor-'));
mkdirSync(join(mcpFloorPlugin, '.claude-plugin'));
mkdirSync(join(mcpFloorPlugin, 'hooks'));
writeFileSync(join(mcpFloorPlugin, '.claude-plugin', 'plugin.json'), JSON.stringify({ name: 'mcp-floor', version: '0.0.1' }));
writeFileSync(join(mcpFloorPlugin, '.mcp.json'), JSON.stringify({ mcpServers: { noop: { command: 'node', args: ['${CLAUDE_PLUGIN_ROOT}/server.cjs'] } } }));
writeFileSync(
  join(mcpFloorPlugin, 'hooks', 'hooks.json'),
  JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'mcp_tool', server: 'plugin:mcp-floor:noop', tool: 'hook', input: { tool_name: '${tool_name}' } }] }] } }),
);
writeFileSync(
  join(mcpFloorPlugin, 'server.cjs'),
  `const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  let m; try { m = JSON.parse(line); } catch { return; }
  if (m.id === undefined) return;
  const result = m.method === 'initialize' ? { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'noop', version: '0.0.1' } }
    : m.method === 'tools/list' ? { tools: [{ name: 'hook', description: 'no-op', inputSchema: { type: 'object', additionalProperties: true } }] }
    : m.method === 'tools/call' ? { content: [{ type: 'text', text: '' }] } : {};
  send({ jsonrpc: '2.0', id: m.id, result });
});
`,
);

const variants = {
  none: [],
  floor: [floorPlugin],
  mcpfloor: [mcpFloorPlugin],
  resident: [REPO],
  fallback: [fallbackPlugin],
};

const session = (calls) => conversation().main(...Array.from({ length: calls }, (_, i) => bash(`echo call-${i}`)), text('done')).script();
const models = { [CALLS]: await startMockModel(session(CALLS)), [SHORT]: await startMockModel(session(SHORT)) };
const home = makeHome();
const project = makeProject();
const times = Object.fromEntries(Object.keys(variants).map((v) => [v, []]));
const shortTimes = Object.fromEntries(Object.keys(variants).map((v) => [v, []]));
const problems = [];

async function once(variant, calls = CALLS) {
  const wardenHome = makeHome();
  try {
    const run = await runClaude({ prompt: 'bench', modelUrl: models[calls].url, home: home.path, cwd: project.path, pluginDirs: variants[variant], wardenHome: wardenHome.path, timeoutMs: 300_000 });
    if (run.exitCode !== 0 || run.result?.result !== 'done') problems.push(`${variant}: exit ${run.exitCode} ${run.stderr.slice(0, 200)}`);
    if (variant === 'resident' || variant === 'fallback') {
      const db = new Database(join(wardenHome.path, 'ledger.db'), { readonly: true });
      const recorded = db.prepare(`SELECT count(DISTINCT tool_use_id) AS n FROM events WHERE kind = 'PreToolUse' AND session_id = ?`).get(run.result?.session_id).n;
      const bySource = db.prepare(`SELECT source, count(*) AS n FROM events WHERE kind = 'PreToolUse' GROUP BY source`).all();
      db.close();
      if (recorded !== calls) problems.push(`${variant}: ledger has ${recorded} of ${calls} tool calls`);
      return { ms: run.durationMs, sources: Object.fromEntries(bySource.map((r) => [r.source, r.n])) };
    }
    return { ms: run.durationMs };
  } finally {
    wardenHome.cleanup();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await once('none'); // warm the CLI's own caches
  const sources = {};
  for (let r = 0; r < RUNS; r++) {
    // Alternate the order so drift in machine load falls on every variant alike.
    const order = r % 2 ? Object.keys(variants).reverse() : Object.keys(variants);
    for (const variant of order) {
      const { ms, sources: s } = await once(variant);
      times[variant].push(ms);
      if (s) sources[variant] = s;
      shortTimes[variant].push((await once(variant, SHORT)).ms);
    }
    process.stderr.write(`run ${r + 1}/${RUNS}: ${Object.entries(times).map(([k, v]) => `${k} ${v.at(-1)} ms`).join(', ')}\n`);
  }
  const base = median(times.none);
  console.log(`${CALLS}-tool-call session, median of ${RUNS} runs: without plugin ${base} ms`);
  const label = { floor: 'any hook (no-op command, for scale)', mcpfloor: 'no-op mcp_tool hook (for scale)', resident: 'agent-warden, resident server', fallback: 'agent-warden, command-hook fallback' };
  for (const variant of ['floor', 'mcpfloor', 'resident', 'fallback']) {
    const m = median(times[variant]);
    const recorded = sources[variant] ? ` (PreToolUse events by source: ${JSON.stringify(sources[variant])})` : '';
    console.log(`  ${label[variant].padEnd(38)} ${m} ms: +${((m - base) / CALLS).toFixed(1)} ms per tool call${recorded}`);
  }
  // Slope between the two session lengths: what one more tool call costs, session costs aside.
  const added = (v, t) => median(t[v]) - median(t.none);
  console.log(`split (${SHORT}- vs ${CALLS}-call sessions):`);
  for (const variant of ['floor', 'mcpfloor', 'resident', 'fallback']) {
    const marginal = (added(variant, times) - added(variant, shortTimes)) / (CALLS - SHORT);
    const fixed = added(variant, shortTimes) - marginal * SHORT;
    console.log(`  ${label[variant].padEnd(38)} ${marginal.toFixed(1)} ms per tool call + ${Math.round(fixed)} ms per session`);
  }
  const perCall = (v) => (median(times[v]) - base) / CALLS;
  console.log(`goal: resident <= 8 ms per call: ${perCall('resident') <= 8 ? 'met' : 'NOT met'} (${perCall('resident').toFixed(1)} ms; of which Claude Code's own mcp_tool path, measured by the no-op server: ${perCall('mcpfloor').toFixed(1)} ms; agent-warden's share: ${(perCall('resident') - perCall('mcpfloor')).toFixed(1)} ms)`);
  console.log(`fallback: ${perCall('fallback').toFixed(1)} ms per tool call; it starts one Node process per plain tool call (PreToolUse; PostToolUse is wired for Agent only)`);
  console.log(problems.length ? `PROBLEMS:\n${problems.join('\n')}` : `ledger: every one of the ${CALLS} tool calls recorded in every run`);
  if (problems.length) process.exitCode = 1;
} finally {
  for (const m of Object.values(models)) await m.close();
  home.cleanup();
  project.cleanup();
  rmSync(fallbackPlugin, { recursive: true, force: true });
  rmSync(floorPlugin, { recursive: true, force: true });
  rmSync(mcpFloorPlugin, { recursive: true, force: true });
}

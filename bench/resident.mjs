// Benchmark: one PreToolUse decision through the resident server (an MCP tools/call on a live
// dist/server.cjs, as Claude Code's mcp_tool hook makes it) against the command hook (a fresh
// `node dist/hook.cjs` per event, as Claude Code spawns it). Same payloads, same ledger; prints
// p50/p95 and the ratio. Goal: resident p50 <= 5 ms.
//   node bench/resident.mjs [--runs N]       (run `node scripts/build.mjs` first)
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 60;

const home = mkdtempSync(join(tmpdir(), 'aw-bench-resident-'));
const project = mkdtempSync(join(tmpdir(), 'aw-bench-project-'));
const env = { ...process.env, AGENT_WARDEN_HOME: home, CLAUDE_PROJECT_DIR: project };
delete env.NODE_EXTRA_CA_CERTS; // the plugin launches both with `env -u NODE_EXTRA_CA_CERTS`

const payload = (i, source) => ({
  hook_event_name: 'PreToolUse',
  session_id: 'bench-resident',
  cwd: project,
  permission_mode: 'default',
  tool_name: 'Bash',
  tool_input: { command: `echo call ${i}`, description: 'bench' },
  tool_use_id: `toolu_${source}_${i}`,
});

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p95: q(0.95), n: s.length };
};

function commandRuns() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(REPO, 'dist', 'hook.cjs')], { input: JSON.stringify(payload(i, 'command')), env });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`hook failed: ${r.stderr}`);
  }
  return times;
}

async function residentRuns() {
  const transport = new StdioClientTransport({ command: process.execPath, args: [join(REPO, 'dist', 'server.cjs')], env, stderr: 'inherit' });
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(transport);
  const toArgs = (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
  // Warm-up: the first call opens the ledger and JITs the path.
  for (let i = 0; i < 5; i++) await client.callTool({ name: 'hook', arguments: toArgs(payload(`warm${i}`, 'mcp')) });
  const times = [];
  for (let i = 0; i < RUNS * 3; i++) {
    const t0 = performance.now();
    await client.callTool({ name: 'hook', arguments: toArgs(payload(i, 'mcp')) });
    times.push(performance.now() - t0);
  }
  await client.close();
  return times;
}

try {
  // The first command run creates the ledger; keep it out of both samples.
  spawnSync(process.execPath, [join(REPO, 'dist', 'hook.cjs')], { input: JSON.stringify(payload('init', 'init')), env });
  const resident = stats(await residentRuns());
  const command = stats(commandRuns());
  const fmt = (s) => `p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms (n=${s.n})`;
  console.log(`PreToolUse decision, resident (MCP tools/call): ${fmt(resident)}`);
  console.log(`PreToolUse decision, command hook (node dist/hook.cjs): ${fmt(command)}`);
  console.log(`ratio command/resident at p50: ${(command.p50 / resident.p50).toFixed(1)}x; goal resident p50 <= 5 ms: ${resident.p50 <= 5 ? 'met' : 'NOT met'}`);
} finally {
  rmSync(home, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
}

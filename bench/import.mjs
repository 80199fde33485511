// `npm run bench:import`: how fast `agent-warden import` reads Claude Code history, in MB of
// transcripts per second, on a generated tree shaped like real ones (compact JSON lines; tool
// results make most of the bytes; subagents with meta files; one nested level). Target: >= 100 MB/s.
//   npm run build && npm run bench:import [-- --mb 400]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(REPO, 'dist', 'cli.cjs');
const mbArg = process.argv.indexOf('--mb');
const targetMb = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 300;

let msg = 0;
const ts = (i) => new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString();
const usage = () => ({ input_tokens: 120, cache_creation_input_tokens: 300, cache_read_input_tokens: 4000, output_tokens: 80, cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 0 } });
const filler = 'x'.repeat(6000);

function thread(lines, sessionId, cwd, calls, { dispatchIds = [], model = 'claude-sonnet-4-5' } = {}) {
  let i = 0;
  for (let c = 0; c < calls; c++) {
    const id = `msg_${++msg}`;
    const useId = dispatchIds[c] ?? `toolu_${msg}`;
    const tool = dispatchIds[c] ? { type: 'tool_use', id: useId, name: 'Agent', input: { subagent_type: 'general-purpose', description: 'work', prompt: 'do it' } } : { type: 'tool_use', id: useId, name: 'Bash', input: { command: 'ls -la', description: 'list' } };
    lines.push(JSON.stringify({ type: 'assistant', sessionId, cwd, timestamp: ts(i++), message: { id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'Looking.' }], usage: usage() } }));
    lines.push(JSON.stringify({ type: 'assistant', sessionId, cwd, timestamp: ts(i++), message: { id, type: 'message', role: 'assistant', model, content: [tool], usage: usage() } }));
    lines.push(JSON.stringify({ type: 'user', sessionId, cwd, timestamp: ts(i++), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: useId, content: filler }] } }));
  }
}

function generate(root) {
  const project = join(root, 'projects', '-home-dev-app');
  mkdirSync(project, { recursive: true });
  let bytes = 0;
  for (let s = 0; bytes < targetMb * 1e6; s++) {
    const sessionId = `00000000-0000-4000-8000-${String(s).padStart(12, '0')}`;
    const cwd = '/home/dev/app';
    const agents = [0, 1, 2].map((a) => ({ id: `a${s}x${a}`, use: `toolu_d${s}_${a}` }));
    const main = [];
    thread(main, sessionId, cwd, 60, { dispatchIds: Object.fromEntries(agents.map((a, k) => [k * 10, a.use])), model: 'claude-opus-4-5' });
    const text = main.join('\n') + '\n';
    writeFileSync(join(project, `${sessionId}.jsonl`), text);
    bytes += text.length;
    const sub = join(project, sessionId, 'subagents');
    mkdirSync(sub, { recursive: true });
    for (const a of agents) {
      const lines = [];
      thread(lines, sessionId, cwd, 30);
      const t = lines.join('\n') + '\n';
      writeFileSync(join(sub, `agent-${a.id}.jsonl`), t);
      writeFileSync(join(sub, `agent-${a.id}.meta.json`), JSON.stringify({ agentType: 'general-purpose', toolUseId: a.use }));
      bytes += t.length;
    }
  }
  return bytes;
}

const keep = process.argv.includes("--keep");
const root = mkdtempSync(join(tmpdir(), 'aw-bench-import-'));
try {
  const bytes = generate(root);
  const home = join(root, 'warden');
  const env = { ...process.env, AGENT_WARDEN_HOME: home };
  const run = () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'import', '--projects-dir', join(root, 'projects'), '--json'], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(r.stderr);
    return { ms: performance.now() - t, out: JSON.parse(r.stdout) };
  };
  const first = run();
  const again = run();
  const mbps = bytes / 1e6 / (first.ms / 1000);
  console.log(`import: ${(bytes / 1e6).toFixed(0)} MB of transcripts, ${first.out.sessions_imported} sessions, ${first.out.dispatches_added} dispatches`);
  console.log(`  first run  ${(first.ms / 1000).toFixed(2)} s = ${mbps.toFixed(0)} MB/s (target >= 100 MB/s)`);
  console.log(`  second run ${(again.ms / 1000).toFixed(2)} s, ${again.out.events_added} events added (idempotent)`);
  process.exitCode = mbps >= 100 ? 0 : 1;
} finally {
  if (keep) console.log(root); else rmSync(root, { recursive: true, force: true });
}

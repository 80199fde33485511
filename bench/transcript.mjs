// `node bench/transcript.mjs`: the built hook (`dist/hook.cjs`) against a 1 GB session transcript
// (with a 70 MB line in it) and a 150 MB subagent transcript. Targets (issue 15): after the first
// read, each hook <= 1 s (above a bare `node` measured alongside) on the 1 GB transcript; memory per hook <= 64 MB above a bare `node`;
// the 150 MB subagent transcript counted to its last message. Prints a table; exits 1 on a miss.
//   npm run build && node bench/transcript.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const HOOK = join(REPO, 'dist', 'hook.cjs');
const quick = process.argv.includes('--quick');
const GB = quick ? 256 * 1024 * 1024 : 1024 * 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'aw-bench-transcript-'));
const home = join(root, 'home');
const env = { ...process.env, AGENT_WARDEN_HOME: home, CLAUDE_PROJECT_DIR: root };
delete env.NODE_EXTRA_CA_CERTS;
delete env.NODE_OPTIONS;
// Peak RSS of the child, printed at exit, so each hook's memory is its own.
const rssProbe = join(root, 'rss.cjs');
writeFileSync(rssProbe, `process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeSync(2, '\\nMAXRSS ' + u.maxRSS + ' CPU ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });`);

const assistant = (id, pad) =>
  JSON.stringify({ type: 'assistant', timestamp: '2026-11-30T10:00:00.000Z', message: { id, model: 'claude-opus-5-5', role: 'assistant', content: [{ type: 'text', text: 'a'.repeat(pad) }], usage: { input_tokens: 3, output_tokens: 5, cache_read_input_tokens: 100 } } }) + '\n';
const toolResult = (pad) => JSON.stringify({ type: 'user', timestamp: '2026-11-30T10:00:01.000Z', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r'.repeat(pad) }] } }) + '\n';

let msgs = 0;
function writeTranscript(file, bytes, withHugeLine) {
  const fd = openSync(file, 'w');
  let size = 0;
  let hugeDone = !withHugeLine;
  while (size < bytes) {
    const block = [];
    for (let i = 0; i < 200; i++) block.push(assistant(`msg_${msgs++}`, 800), toolResult(3000));
    const text = block.join('');
    writeSync(fd, text);
    size += Buffer.byteLength(text);
    if (!hugeDone && size > bytes / 2) {
      const piece = Buffer.alloc(1024 * 1024, 'x');
      writeSync(fd, '{"type":"user","message":{"content":"');
      for (let i = 0; i < 70; i++) writeSync(fd, piece);
      writeSync(fd, '"}}\n');
      size += 70 * piece.length;
      hugeDone = true;
    }
  }
  closeSync(fd);
}

function runHook(payload) {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-r', rssProbe, HOOK], { input: JSON.stringify(payload), env, encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - t;
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr ?? '')?.[1] ?? NaN) / 1024;
  // CPU time (user + system) of the hook process: what a busy, shared machine does not inflate.
  const cpu = Number(/CPU (\d+)/.exec(r.stderr ?? '')?.[1] ?? NaN) / 1000;
  if (r.status !== 0) throw new Error(`hook exited ${r.status}: ${r.stderr}`);
  return { ms, rss, cpu };
}

const floorRss = (() => {
  const r = spawnSync(process.execPath, ['-r', rssProbe, '-e', ''], { env, encoding: 'utf8' });
  return Number(/MAXRSS (\d+)/.exec(r.stderr)[1]) / 1024;
})();

const rows = [];
let failed = false;
const row = (name, value, target, ok) => {
  rows.push({ name, value, target, ok });
  if (!ok) failed = true;
};

try {
  const main = join(root, 'session.jsonl');
  writeTranscript(main, GB, true);
  const pre = (n) => ({ session_id: 'bench-t', transcript_path: main, cwd: root, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: `toolu_${n}` });
  // First reads: each hook takes at most one budget's worth and moves the offset on.
  const first = [];
  let n = 0;
  for (; n < 40; n++) {
    first.push(runHook(pre(n)));
    const req = createRequire(join(REPO, 'package.json'));
    const Database = req('better-sqlite3');
    const db = new Database(join(home, 'ledger.db'), { readonly: true });
    const { o } = db.prepare(`SELECT transcript_offset AS o FROM sessions WHERE session_id = 'bench-t'`).get();
    db.close();
    if (o >= GB) break;
  }
  const firstMax = Math.max(...first.map((r) => r.ms));
  const firstCpu = Math.max(...first.map((r) => r.cpu));
  row(`catch-up hooks on a ${GB / 1024 / 1024} MB transcript (${first.length} hooks), slowest`, `${firstMax.toFixed(0)} ms wall, ${firstCpu.toFixed(0)} ms CPU`, 'CPU < 5000 ms (hook timeout 10 s)', firstCpu < 5000);
  row('catch-up hooks, average', `${(first.reduce((a, r) => a + r.ms, 0) / first.length).toFixed(0)} ms`, 'reported', true);
  // After the first read: new lines appended between hooks, as in a live session.
  const later = [];
  for (let i = 0; i < (quick ? 5 : 15); i++) {
    const fd = openSync(main, 'a');
    writeSync(fd, assistant(`msg_live_${i}`, 800) + toolResult(3000));
    closeSync(fd);
    later.push(runHook(pre(1000 + i)));
  }
  const laterMax = Math.max(...later.map((r) => r.ms));
  // A bare `node` measured alongside: on a busy machine both slow down alike.
  const floor = Math.max(...later.map(() => { const t = performance.now(); spawnSync(process.execPath, ['-e', ''], { env }); return performance.now() - t; }));
  const laterCpu = Math.max(...later.map((r) => r.cpu));
  row(`hook after the first read (${GB / 1024 / 1024} MB transcript), slowest (bare node: ${floor.toFixed(0)} ms)`, `${laterMax.toFixed(0)} ms wall, ${laterCpu.toFixed(0)} ms CPU`, '<= 1000 ms CPU and above bare node', laterCpu <= 1000 && laterMax - floor <= 1000);
  const rssMax = Math.max(...first.map((r) => r.rss), ...later.map((r) => r.rss)) - floorRss;
  row('memory per hook above bare node, worst', `${rssMax.toFixed(0)} MB`, '<= 64 MB', rssMax <= 64);

  // A 150 MB subagent transcript, read whole at SubagentStop.
  const subDir = join(root, 'session', 'subagents');
  spawnSync('mkdir', ['-p', subDir]);
  const before = msgs;
  writeTranscript(join(subDir, 'agent-big.jsonl'), 150 * 1024 * 1024, false);
  const expected = msgs - before;
  const stop = runHook({ session_id: 'bench-t', transcript_path: main, cwd: root, permission_mode: 'default', hook_event_name: 'SubagentStop', agent_id: 'big', agent_type: 'general-purpose', last_assistant_message: 'done', stop_hook_active: false });
  const req = createRequire(join(REPO, 'package.json'));
  const Database = req('better-sqlite3');
  const db = new Database(join(home, 'ledger.db'), { readonly: true });
  const run = db.prepare(`SELECT output_tokens AS o FROM agent_runs WHERE agent_id = 'big'`).get();
  db.close();
  row('150 MB subagent transcript: messages counted', `${(run?.o ?? 0) / 5} of ${expected}`, 'all', run?.o === expected * 5);
  row('150 MB subagent transcript: SubagentStop hook', `${stop.ms.toFixed(0)} ms wall, ${stop.cpu.toFixed(0)} ms CPU, ${(stop.rss - floorRss).toFixed(0)} MB above node`, '<= 64 MB', stop.rss - floorRss <= 64);
} finally {
  rmSync(root, { recursive: true, force: true });
}

const w = Math.max(...rows.map((r) => r.name.length));
for (const r of rows) console.log(`${r.ok ? 'ok  ' : 'MISS'} ${r.name.padEnd(w)}  ${r.value.padEnd(28)} target ${r.target}`);
console.log(`(bare node peak RSS ${floorRss.toFixed(0)} MB)`);
process.exit(failed ? 1 : 0);

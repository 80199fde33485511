// `npm run bench:import`: how fast `agent-warden import` reads Claude Code history, in MB of
// transcripts per second. Target (issue 21): >= 100 MB/s.
//
// The history is made from the real Claude Code 2.1.328 transcripts in test/fixtures (two sessions,
// four subagents, one of them nested, with their .meta.json), written compact as Claude Code
// writes them and scaled up: each generated session repeats one of the fixture sessions 1 to 40
// times (most sessions short, a few long), with every session, message, tool-use and agent id made
// unique, so each repetition brings its own subagents and dispatches. The fixtures trimmed long
// text to 400 characters, so usage lines are denser per MB than in a real history: a conservative
// mix. One session carries a 9 MB tool output (over the line cap: skipped and counted).
//
// MB/s = bytes of the .jsonl transcripts on disk / wall time of `node dist/cli.cjs import
// --projects-dir DIR` as a user runs it (under a pseudo-terminal when `script` is there, so the
// progress bar draws), process start to exit. Files were just written, so they are in the page
// cache (as a warm history is). A second run must add nothing. The import reads transcripts in a
// worker thread while it writes the ledger (src/importer/prefetch.ts): its CPU time counts both.
//   npm run build && npm run bench:import [-- --mb 300] [--keep] [--cpu-prof DIR] [--cli another/build/cli.cjs]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');

const FIXTURES = join(REPO, 'test', 'fixtures', 'claude-code-2.1.328', 'transcripts');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const CLI = arg('--cli') ? resolve(arg('--cli')) : join(REPO, 'dist', 'cli.cjs');
const targetMb = Number(arg('--mb') ?? 300);
const cpuProf = arg('--cpu-prof');
const keep = process.argv.includes('--keep');

/** Each fixture session as templates: compact lines, split around the ids to rewrite. */
function loadFixtures() {
  const compact = (file) =>
    readFileSync(join(FIXTURES, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.stringify(JSON.parse(l)))
      .join('\n') + '\n';
  const files = readdirSync(FIXTURES);
  const sessions = files.filter((f) => /^[0-9a-f-]{36}\.jsonl$/.test(f)).sort();
  return sessions.map((main) => {
    const sessionId = main.slice(0, 36);
    const agents = files
      .filter((f) => f.startsWith(`${sessionId}__subagents__agent-`) && f.endsWith('.jsonl'))
      .map((f) => ({ id: /agent-([0-9a-z]+)\.jsonl$/.exec(f)[1], text: compact(f), meta: readFileSync(join(FIXTURES, f.replace(/\.jsonl$/, '.meta.json')), 'utf8') }));
    // Ids made unique per generated session and repetition: message and tool-use ids, agent ids.
    const ids = new RegExp(`\\b(msg_[0-9A-Za-z_]+|toolu_[0-9A-Za-z_]+${agents.map((a) => `|${a.id}`).join('')})\\b`, 'g');
    const split = (text) => text.replaceAll(sessionId, '\u0000SESSION\u0000').split(ids);
    return { main: split(compact(main)), agents: agents.map((a) => ({ id: a.id, text: split(a.text), meta: split(a.meta) })) };
  });
}

function render(parts, sessionId, suffix) {
  let out = '';
  for (let i = 0; i < parts.length; i++) out += i % 2 ? `${parts[i]}x${suffix}` : parts[i];
  return out.replaceAll('\u0000SESSION\u0000', sessionId);
}

const REPS = [1, 1, 1, 2, 2, 3, 4, 6, 10, 20, 40];

function generate(root) {
  const fixtures = loadFixtures();
  let bytes = 0;
  for (let s = 0; bytes < targetMb * 1e6; s++) {
    const project = join(root, 'projects', `-home-dev-app${s % 7}`);
    const sessionId = `00000000-0000-4000-8000-${String(s).padStart(12, '0')}`;
    const fixture = fixtures[s % fixtures.length];
    const reps = REPS[s % REPS.length];
    const main = [];
    const sub = join(project, sessionId, 'subagents');
    for (let r = 0; r < reps; r++) {
      const suffix = `${s}y${r}`;
      main.push(render(fixture.main, sessionId, suffix));
      for (const a of fixture.agents) {
        mkdirSync(sub, { recursive: true });
        const text = render(a.text, sessionId, suffix);
        writeFileSync(join(sub, `agent-${a.id}x${suffix}.jsonl`), text);
        writeFileSync(join(sub, `agent-${a.id}x${suffix}.meta.json`), render(a.meta, sessionId, suffix));
        bytes += Buffer.byteLength(text);
      }
    }
    if (s === 5) main.push(JSON.stringify({ type: 'user', sessionId, timestamp: '2026-11-23T16:00:00.000Z', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_huge', content: 'y'.repeat(9e6) }] } }) + '\n');
    mkdirSync(project, { recursive: true });
    const text = main.join('');
    writeFileSync(join(project, `${sessionId}.jsonl`), text);
    bytes += Buffer.byteLength(text);
  }
}

/** Bytes of every transcript (.jsonl) under the tree, as `import` finds them. */
/** User + system time of the children this process waited for, from /proc (Linux), in seconds. */
function childCpuSeconds() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command name: cutime and cstime are fields 16 and 17 of stat(5), in clock ticks (100 per second).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

function transcriptBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += transcriptBytes(p);
    else if (e.name.endsWith('.jsonl')) n += statSync(p).size;
  }
  return n;
}

const root = mkdtempSync(join(tmpdir(), 'aw-bench-import-'));
try {
  generate(root);
  const projects = join(root, 'projects');
  const bytes = transcriptBytes(projects);
  const env = { ...process.env, AGENT_WARDEN_HOME: join(root, 'warden') };
  delete env.NODE_OPTIONS;
  const nodeArgs = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', resolve(cpuProf)] : [];
  const command = [process.execPath, ...nodeArgs, CLI, 'import', '--projects-dir', projects];
  const tty = !cpuProf && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  const cpu0 = childCpuSeconds();
  const load = loadavg()[0];
  const t = performance.now();
  const first = tty
    ? spawnSync('script', ['-qefc', command.map((a) => `'${a}'`).join(' '), '/dev/null'], { env, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(command[0], command.slice(1), { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  const cpu = childCpuSeconds() - cpu0;
  if (first.status !== 0) throw new Error(first.stderr || first.stdout);
  const again = spawnSync(process.execPath, [CLI, 'import', '--projects-dir', projects, '--json'], { env, encoding: 'utf8' });
  if (again.status !== 0) throw new Error(again.stderr);
  const second = JSON.parse(again.stdout);
  const mbps = bytes / 1e6 / (ms / 1000);
  console.log(`import: ${(bytes / 1e6).toFixed(0)} MB of transcripts in ${second.sessions_seen} sessions${tty ? ' (under a pseudo-terminal)' : ''}`);
  // What the command printed, without its progress bar (terminal escapes split the redraws).
  const said = first.stdout.split(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|\r?\n|\r/).filter((l) => l.trim() && !l.startsWith('importing'));
  for (const line of said) console.log(`  ${line.trim()}`);
  console.log(`  first run  ${(ms / 1000).toFixed(2)} s = ${mbps.toFixed(0)} MB/s (target >= 100 MB/s), load average ${load.toFixed(1)} on ${cpus().length} cores`);
  if (cpu > 0) console.log(`  CPU time   ${cpu.toFixed(2)} s (user + system of the command) = ${(bytes / 1e6 / cpu).toFixed(0)} MB per CPU second (both threads: the reading thread runs beside the writing one, so an idle machine's wall time is shorter)`);
  console.log(`  second run ${second.events_added} events added, ${second.dispatches_added} dispatches (must be 0: idempotent)`);
  process.exitCode = mbps >= 100 && second.events_added === 0 ? 0 : 1;
} finally {
  if (keep) console.log(root);
  else rmSync(root, { recursive: true, force: true });
}

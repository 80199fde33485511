// `npm run bench:otel`: how long `agent-warden otel export` takes to send a backlog (2,000 finished
// sessions of 4 dispatches each, one nested: 10,000 spans) to a loopback OTLP receiver that only
// counts, and how long a second run takes to find nothing left to send.
//   npm run build && npm run bench:otel [-- --sessions N]
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(REPO, 'dist', 'cli.cjs');
const at = process.argv.indexOf('--sessions');
const SESSIONS = at > 0 ? Number(process.argv[at + 1]) : 2000;

const home = mkdtempSync(join(tmpdir(), 'aw-bench-otel-'));
const env = { ...process.env, AGENT_WARDEN_HOME: home, NO_COLOR: '1' };
let requests = 0;
let bytes = 0;
const receiver = createServer((req, res) => {
  req.on('data', (c) => (bytes += c.length));
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));

try {
  spawnSync(process.execPath, [CLI, 'ledger', 'rebuild'], { env }); // creates and migrates the ledger
  const db = new Database(join(home, 'ledger.db'));
  const now = Date.now();
  const session = db.prepare(`INSERT INTO sessions (session_id, project, started_at, ended_at, last_event_at, events) VALUES (?, '/bench', ?, ?, ?, 10)`);
  const usage = db.prepare(`INSERT INTO usage (session_id, agent_id, message_id, project, ts, model, input_tokens, output_tokens, total_tokens, cost_usd) VALUES (?, '', ?, '/bench', ?, 'claude-opus-4-5', 100, 50, 150, 0.02)`);
  const dispatch = db.prepare(`INSERT INTO dispatches (session_id, tool_use_id, project, agent_id, parent_agent_id, agent_type, description, background, started_at, ended_at, status, completed)
    VALUES (?, ?, '/bench', ?, ?, 'code-reviewer', 'review', 0, ?, ?, 'completed', 1)`);
  const run = db.prepare(`INSERT INTO agent_runs (session_id, agent_id, project, agent_type, model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, started_at, ended_at, stopped)
    VALUES (?, ?, '/bench', 'code-reviewer', 'claude-sonnet-4-5', 100, 20, 300, 4000, 4420, 0.01, ?, ?, 1)`);
  db.transaction(() => {
    for (let i = 0; i < SESSIONS; i++) {
      const id = `bench-${i}`;
      const t = now - 2 * 3_600_000 - i * 1000;
      session.run(id, t, t + 900, t + 900);
      usage.run(id, `m${i}`, t + 1);
      for (let k = 0; k < 4; k++) {
        dispatch.run(id, `toolu-${k}`, `a-${i}-${k}`, k === 3 ? `a-${i}-2` : null, t + 10 + k, t + 800);
        run.run(id, `a-${i}-${k}`, t + 10 + k, t + 800);
      }
    }
  })();
  db.close();
  writeFileSync(join(home, 'config.json'), JSON.stringify({ telemetry: { otlp: { endpoint: `http://127.0.0.1:${receiver.address().port}`, auto: false } } }));

  // Asynchronous, so this process's receiver keeps answering while the export runs.
  const exportOnce = () =>
    new Promise((done, fail) => {
      const t = performance.now();
      const child = spawn(process.execPath, [CLI, 'otel', 'export', '--since', '30d', '--json'], { env });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => (code === 0 ? done({ ms: performance.now() - t, ...JSON.parse(out) }) : fail(new Error(`otel export exited ${code}`))));
    });
  const first = await exportOnce();
  const second = await exportOnce();
  const expected = SESSIONS * 5;
  const result = {
    name: 'otel export',
    sessions: SESSIONS,
    spans: first.exported_spans,
    requests,
    kb_sent: Math.round(bytes / 1024),
    first_ms: Math.round(first.ms),
    spans_per_s: Math.round(first.exported_spans / (first.ms / 1000)),
    second_ms: Math.round(second.ms),
    second_spans: second.exported_spans,
    ok: first.exported_spans === expected && second.exported_spans === 0,
  };
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = result.ok ? 0 : 1;
} finally {
  receiver.close();
  rmSync(home, { recursive: true, force: true });
}

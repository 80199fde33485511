// Issue 23: "nothing exported twice". Several `otel export` processes racing over the same ledger
// (SessionEnd's background export and a cron job, say) send each span once between them, and a
// `ledger rebuild` (which renumbers dispatches) does not make any span look new. The ledger holds
// sessions the real hook recorded from the captured Claude Code run, copied under new session ids.
// The collector is named the standard way here, by OTEL_EXPORTER_OTLP_* variables.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureRun, WIRED, type FixtureRun } from '../support/fixtures';
import { startCollector, type Collector } from '../support/otlp-collector';
import { makeTempDir } from '../support/sandbox';
import { CLI, cliJson, REPO, runCli, runHook, wardenEnv } from '../support/warden';

const COPIES = 3;
let home: string;
let fixture: FixtureRun;
let collector: Collector;

beforeAll(async () => {
  home = makeTempDir('otel-home').path;
  fixture = loadFixtureRun('hooks-dispatch');
  const original = fixture.payloads[0]!.event.session_id as string;
  for (let copy = 0; copy <= COPIES; copy++) {
    const id = copy === 0 ? original : original.replace(/^.{8}/, `${copy}`.padStart(8, '0'));
    if (copy > 0) {
      // The same run under another session id: its transcripts too, so its tokens are real.
      fs.cpSync(path.join(fixture.transcriptsDir, `${original}.jsonl`), path.join(fixture.transcriptsDir, `${id}.jsonl`));
      fs.cpSync(path.join(fixture.transcriptsDir, original), path.join(fixture.transcriptsDir, id), { recursive: true });
    }
    for (const p of fixture.payloads.filter((p) => WIRED.has(p.event.hook_event_name))) {
      expect(runHook(p.text.split(original).join(id), home, { env: { CLAUDE_PROJECT_DIR: undefined } }).status).toBe(0);
    }
  }
  collector = await startCollector();
  // No endpoint in the config: the standard OpenTelemetry variables say where (see exportAsync).
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ telemetry: { otlp: {} } }));
}, 240_000);

afterAll(async () => {
  await collector?.close();
  fixture?.cleanup();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

const otelEnv = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme', OTEL_SERVICE_NAME: 'warden-ci' });
const exportAsync = async (): Promise<any> =>
  JSON.parse((await promisify(execFile)(process.execPath, [CLI, 'otel', 'export', '--json'], { env: wardenEnv(home, otelEnv()), cwd: REPO, timeout: 120_000 })).stdout);

describe('otel export sends each span once', () => {
  it('four exports racing over the same ledger send every span exactly once between them', async () => {
    const sessions = cliJson<any[]>(['sessions'], home);
    const dispatches = cliJson<any[]>(['dispatches'], home);
    expect(sessions).toHaveLength(COPIES + 1);
    expect(dispatches.length).toBeGreaterThanOrEqual(2 * (COPIES + 1));
    expect(dispatches.every((d) => d.total_tokens > 0)).toBe(true);
    const expected = sessions.length + dispatches.length;

    const outcomes = await Promise.all([exportAsync(), exportAsync(), exportAsync(), exportAsync()]);
    expect(outcomes.map((o) => o.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(outcomes.reduce((n, o) => n + o.exported_spans, 0)).toBe(expected);
    expect(collector.spans).toHaveLength(expected);
    expect(new Set(collector.spans.map((s) => s.spanId)).size).toBe(expected);
    // One trace per session, each with one root.
    expect(new Set(collector.spans.map((s) => s.traceId)).size).toBe(sessions.length);
    expect(collector.spans.filter((s) => s.parentSpanId === '')).toHaveLength(sessions.length);
    // Every dispatch's tokens, as the ledger has them.
    const tokens = new Map(collector.spans.map((s) => [`${s.attributes['agent_warden.session.id']}/${s.attributes['agent_warden.dispatch.tool_use_id'] ?? ''}`, s.attributes['agent_warden.usage.total_tokens']]));
    for (const d of dispatches) expect(tokens.get(`${d.session_id}/${d.tool_use_id}`)).toBe(d.total_tokens);
    expect(cliJson<any>(['otel', 'status'], home, { env: otelEnv() })).toMatchObject({ endpoint: `${collector.url}/v1/traces`, exported_spans: expected, waiting_spans: 0, last_error: null });
    // The standard variables did their part: endpoint, headers, service name.
    expect(collector.requests.every((r) => r.path === '/v1/traces' && r.headers['x-tenant'] === 'acme')).toBe(true);
    expect(new Set(collector.spans.map((s) => s.resource['service.name']))).toEqual(new Set(['warden-ci']));
  }, 120_000);

  it('after `ledger rebuild` (dispatches renumbered) nothing looks new', async () => {
    const before = collector.spans.length;
    expect(runCli(['ledger', 'rebuild'], home).status).toBe(0);
    expect(await exportAsync()).toMatchObject({ exported_spans: 0, requests: 0 });
    expect(collector.spans).toHaveLength(before);
  }, 60_000);

  it('with nothing configured, export says how to turn it on, and doctor says it is off', () => {
    const empty = makeTempDir('otel-off');
    try {
      const ran = runCli(['otel', 'export'], empty.path);
      expect(ran.status).toBe(1);
      expect(ran.stderr).toContain(`no OTLP endpoint is configured; add "telemetry": {"otlp": {"endpoint": "http://127.0.0.1:4318"}} to your config (${path.join(empty.path, 'config.json')})`);
      // --endpoint names a collector for one run; a bad one is refused in one line.
      expect(cliJson<any>(['otel', 'export', '--endpoint', 'http://127.0.0.1:9'], empty.path)).toMatchObject({ endpoint: 'http://127.0.0.1:9/v1/traces', exported_spans: 0, requests: 0 });
      const bad = runCli(['otel', 'export', '--endpoint', 'collector:4318'], empty.path);
      expect([bad.status, bad.stderr]).toEqual([1, expect.stringContaining('--endpoint collector:4318 is not an http:// or https:// URL')]);
      const check = JSON.parse(runCli(['doctor', '--json'], empty.path).stdout).checks.find((c: any) => c.name === 'telemetry');
      expect(check).toMatchObject({ ok: true, detail: expect.stringContaining('OpenTelemetry export off') });
    } finally {
      empty.cleanup();
    }
  });
});

/**
 * Issue 23, must show 4: OTLP spans for a session with nested dispatches carry the parent links and
 * token attributes. The real Claude Code CLI runs a session with nested subagents against the mock
 * model; agent-warden exports it at SessionEnd (a detached `otel export`) to a loopback collector
 * that decodes each request with the OpenTelemetry protocol's own definitions (test/support/otlp-collector.ts),
 * and the decoded spans are compared with what `dispatches --json` and `sessions --json` say.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text, toolUse } from '../support/conversation';
import { REVIEWER } from '../support/dispatch-session';
import { SPAN_KIND_INTERNAL, STATUS_CODE_ERROR, startCollector } from '../support/otlp-collector';
import { scratch } from '../support/scratch';
import { CLI, cliJson, PLUGIN_DIR, REPO, runCli, wardenEnv } from '../support/warden';
import { freePort } from '../support/free-port';

const { temp, mock, defer } = scratch();


async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `otel export --json` without blocking this process, whose event loop serves the collector. */
async function exportAsync(wardenHome: string): Promise<any> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'otel', 'export', '--json'], { env: wardenEnv(wardenHome), cwd: REPO, timeout: 60_000 });
  return JSON.parse(stdout);
}

const writeUserConfig = (wardenHome: string, config: unknown) => fs.writeFileSync(path.join(wardenHome, 'config.json'), JSON.stringify(config));
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

/**
 * A session with a nested dispatch: the main thread dispatches a reviewer and an outer
 * general-purpose agent, which dispatches a reviewer of its own. Each thread bills its own
 * input, output and cache figures, so no attribute can match by accident.
 */
function nestedSession() {
  return conversation({ usage: { input_tokens: 120, output_tokens: 15, cache_creation_input_tokens: 400, cache_read_input_tokens: 2000 } })
    .main(
      // This one asks for another model, which must show in its span's model attributes.
      toolUse('Agent', { subagent_type: 'code-reviewer', prompt: 'FG_REVIEW check src', description: 'Foreground review', model: 'haiku', run_in_background: false }),
      dispatch({ subagent_type: 'general-purpose', prompt: 'OUTER_PLAN then delegate', description: 'Outer' }),
      text('All done.'),
    )
    .subagent('FG_REVIEW', bash('echo review'), text('REPORT review done', { input_tokens: 31, output_tokens: 7, cache_creation_input_tokens: 50, cache_read_input_tokens: 600 }))
    .subagent(
      'OUTER_PLAN',
      dispatch({ subagent_type: 'code-reviewer', prompt: 'INNER_REVIEW nested check', description: 'Nested review' }),
      text('REPORT outer done', { input_tokens: 77, output_tokens: 21, cache_creation_input_tokens: 0, cache_read_input_tokens: 900 }),
    )
    .subagent('INNER_REVIEW', bash('echo inner'), text('REPORT inner done', { input_tokens: 5, output_tokens: 3, cache_creation_input_tokens: 8, cache_read_input_tokens: 0 }))
    .script();
}

describe('OpenTelemetry export', () => {
  it('a session with nested dispatches reaches the collector as one trace: parent links, GenAI token attributes and times from the ledger', async () => {
    const collector = await startCollector();
    defer(collector.close);
    const wardenHome = temp(makeTempDir('warden'));
    writeUserConfig(wardenHome, { telemetry: { otlp: { endpoint: collector.url, headers: { 'x-team-key': 'k-123' } } } });
    const model = await mock(nestedSession());
    const cwd = temp(makeProject({ agents: [REVIEWER] }));
    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);
    const sessionId = run.result!.session_id;

    // SessionEnd starts the export in the background: wait for the whole tree to arrive.
    const spans = await until('the session and its 3 dispatches at the collector', () => (collector.spans.length >= 4 ? collector.spans : undefined));
    expect(spans).toHaveLength(4);
    const dispatches = cliJson<any[]>(['dispatches', '--session', sessionId], wardenHome);
    const [session] = cliJson<any[]>(['sessions'], wardenHome).filter((s) => s.session_id === sessionId);
    expect(dispatches).toHaveLength(3);

    // One trace; the session span is its root.
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    const roots = spans.filter((s) => s.parentSpanId === '');
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.name).toBe('invoke_agent main');
    expect(root.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'main', 'gen_ai.conversation.id': sessionId, 'gen_ai.provider.name': 'anthropic' });
    expect(root.attributes['agent_warden.usage.total_tokens']).toBe(session.main_tokens);
    expect(root.attributes['agent_warden.cost_usd']).toBeCloseTo(session.main_cost_usd, 6);

    // Each dispatch: under the span of whoever dispatched it, with the ledger's figures.
    const byToolUse = new Map(spans.filter((s) => s !== root).map((s) => [s.attributes['agent_warden.dispatch.tool_use_id'], s]));
    const spanOf = (description: string) => byToolUse.get(dispatches.find((d) => d.description === description)!.tool_use_id)!;
    expect(spanOf('Foreground review').parentSpanId).toBe(root.spanId);
    expect(spanOf('Outer').parentSpanId).toBe(root.spanId);
    expect(spanOf('Nested review').parentSpanId).toBe(spanOf('Outer').spanId);
    expect(dispatches.find((d) => d.description === 'Nested review').parent_agent_id).toBe(dispatches.find((d) => d.description === 'Outer').agent_id);
    for (const d of dispatches) {
      const span = byToolUse.get(d.tool_use_id)!;
      expect(span, d.description).toBeDefined();
      expect(span.name).toBe(`invoke_agent ${d.agent_type}`);
      expect(span.kind).toBe(SPAN_KIND_INTERNAL);
      expect(span.status.code).not.toBe(STATUS_CODE_ERROR);
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': d.agent_type,
        'gen_ai.agent.id': d.agent_id,
        'gen_ai.conversation.id': sessionId,
        // The convention's input_tokens counts cached input too; the cache split is beside it.
        'gen_ai.usage.input_tokens': d.input_tokens + d.cache_creation_tokens + d.cache_read_tokens,
        'gen_ai.usage.output_tokens': d.output_tokens,
        'gen_ai.usage.cache_creation.input_tokens': d.cache_creation_tokens,
        'gen_ai.usage.cache_read.input_tokens': d.cache_read_tokens,
        'agent_warden.usage.uncached_input_tokens': d.input_tokens,
        'agent_warden.usage.total_tokens': d.total_tokens,
        'agent_warden.dispatch.status': 'completed',
      });
      expect(span.attributes['agent_warden.cost_usd']).toBeCloseTo(d.cost_usd, 9);
      // The model Claude Code resolved the dispatch to, and the one its subagent's transcript shows.
      expect(span.attributes['gen_ai.request.model']).toBe(d.model);
      if (d.description === 'Foreground review') expect([d.model, span.attributes['gen_ai.response.model']]).toEqual([expect.stringMatching(/^claude-haiku-/), expect.stringMatching(/^claude-haiku-/)]);
      else expect(span.attributes['gen_ai.response.model']).not.toMatch(/haiku/);
      expect(span.startNs).toBe(ns(d.started_at));
      expect(span.endNs).toBe(ns(d.ended_at));
      expect(span.startNs).toBeGreaterThanOrEqual(root.startNs);
      expect(span.endNs).toBeLessThanOrEqual(root.endNs);
    }
    // The scripted figures, so a zero or a swapped field cannot pass.
    expect(spanOf('Nested review').attributes['gen_ai.usage.cache_creation.input_tokens']).toBeGreaterThan(0);
    expect(spanOf('Outer').attributes['gen_ai.usage.cache_read.input_tokens']).toBeGreaterThan(spanOf('Nested review').attributes['gen_ai.usage.cache_read.input_tokens'] as number);
    expect(spanOf('Foreground review').attributes['gen_ai.usage.output_tokens']).not.toBe(spanOf('Outer').attributes['gen_ai.usage.output_tokens']);

    // What the collector was sent, and how.
    expect(root.resource['service.name']).toBe('agent-warden');
    expect(root.scope).toBe('agent-warden');
    expect(collector.requests.every((r) => r.path === '/v1/traces' && r.headers['content-type'] === 'application/x-protobuf' && r.headers['x-team-key'] === 'k-123')).toBe(true);

    // Idempotent: running the export again sends nothing.
    const requests = collector.requests.length;
    const again = await exportAsync(wardenHome);
    expect(again).toMatchObject({ exported_spans: 0, requests: 0 });
    expect(collector.requests).toHaveLength(requests);
    expect(cliJson<any>(['otel', 'status'], wardenHome)).toMatchObject({ enabled: true, automatic: true, exported_spans: 4, waiting_spans: 0, last_error: null });
  }, 180_000);

  it('a collector that is down never disturbs the session: the spans wait (doctor says so) and go once, when it is back; a denied dispatch is an error span', async () => {
    const port = await freePort();
    const wardenHome = temp(makeTempDir('warden'));
    writeUserConfig(wardenHome, { telemetry: { otlp: { endpoint: `http://127.0.0.1:${port}`, timeout_ms: 2000 } }, spawn: { max_per_session: 1 } });
    const model = await mock(
      conversation()
        .main(
          dispatch({ subagent_type: 'code-reviewer', prompt: 'FIRST_REVIEW go', description: 'First' }),
          dispatch({ subagent_type: 'code-reviewer', prompt: 'SECOND_REVIEW go', description: 'Second' }),
          text('Done.'),
        )
        .subagent('FIRST_REVIEW', text('REPORT first'))
        .subagent('SECOND_REVIEW', text('REPORT second'))
        .script(),
    );
    const cwd = temp(makeProject({ agents: [REVIEWER] }));
    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);
    const sessionId = run.result!.session_id;
    const dispatches = cliJson<any[]>(['dispatches', '--session', sessionId], wardenHome);
    expect(dispatches.map((d) => d.status)).toEqual(['completed', 'denied']);

    // The background export at SessionEnd failed: nothing lost, and doctor names it.
    const status = await until('the failed background export to be recorded', () => {
      const s = cliJson<any>(['otel', 'status'], wardenHome);
      return s.last_error ? s : undefined;
    });
    expect(status).toMatchObject({ exported_spans: 0, waiting_spans: 3 });
    const doctor = runCli(['doctor', '--json'], wardenHome);
    const check = JSON.parse(doctor.stdout).checks.find((c: any) => c.name === 'telemetry');
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`http://127.0.0.1:${port}/v1/traces`);
    expect(check.detail).toContain('3 waiting');
    expect(doctor.status).toBe(1);
    expect(fs.readFileSync(path.join(wardenHome, 'warden.log'), 'utf8')).toMatch(/OpenTelemetry export to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed .*3 span\(s\) stay queued/);
    const down = runCli(['otel', 'export'], wardenHome);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/the export failed: .*\n.*fix: check that the collector is up/);

    // Back up: one export sends all three, and only once.
    const collector = await startCollector(port);
    defer(collector.close);
    expect(await exportAsync(wardenHome)).toMatchObject({ exported_spans: 3, sessions: 1, requests: 1 });
    expect(await exportAsync(wardenHome)).toMatchObject({ exported_spans: 0, requests: 0 });
    expect(collector.spans).toHaveLength(3);
    expect(new Set(collector.spans.map((s) => s.spanId)).size).toBe(3);
    const denied = collector.spans.find((s) => s.attributes['agent_warden.dispatch.tool_use_id'] === dispatches[1].tool_use_id)!;
    expect(denied.status.code).toBe(STATUS_CODE_ERROR);
    expect(denied.status.message).toMatch(/^agent-warden: .*max_per_session/);
    expect(denied.attributes).toMatchObject({ 'error.type': 'denied', 'agent_warden.dispatch.status': 'denied', 'agent_warden.dispatch.governance': 'denied' });
    const first = collector.spans.find((s) => s.attributes['agent_warden.dispatch.tool_use_id'] === dispatches[0].tool_use_id)!;
    expect(first.status.code).not.toBe(STATUS_CODE_ERROR);
    const doctorAfter = JSON.parse(runCli(['doctor', '--json'], wardenHome).stdout).checks.find((c: any) => c.name === 'telemetry');
    expect(doctorAfter).toMatchObject({ ok: true });
    expect(doctorAfter.detail).toContain('3 span(s) sent, 0 waiting');
  }, 180_000);
});

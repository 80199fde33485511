// Issue 23: where spans go. `telemetry.otlp` in your config turns export on; the standard
// OTEL_EXPORTER_OTLP_* variables fill in what it leaves out; a project's config cannot send your
// data anywhere; and the attribute names are the GenAI semantic conventions' own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config/load';
import { exportTarget } from '../../src/telemetry/export';
import { genAi } from '../../src/telemetry/attributes';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(user: unknown, project?: unknown): { userFile: string; projectDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-telemetry-'));
  dirs.push(dir);
  const userFile = path.join(dir, 'config.json');
  fs.writeFileSync(userFile, JSON.stringify(user));
  const projectDir = path.join(dir, 'project');
  fs.mkdirSync(path.join(projectDir, '.claude'), { recursive: true });
  if (project) fs.writeFileSync(path.join(projectDir, '.claude', 'agent-warden.json'), JSON.stringify(project));
  return { userFile, projectDir };
}

describe('telemetry settings', () => {
  it('an endpoint in your config is the base URL: spans go to <endpoint>/v1/traces, with its headers and timeout', () => {
    const { userFile } = setup({ telemetry: { otlp: { endpoint: 'http://127.0.0.1:4318/', headers: { 'x-key': 'k' }, timeout_ms: 2500 } } });
    const { config, problems } = loadConfig(undefined, { userFile });
    expect(problems).toEqual([]);
    expect(exportTarget(config, {})).toEqual({ url: 'http://127.0.0.1:4318/v1/traces', headers: { 'x-key': 'k' }, timeoutMillis: 2500, shown: 'http://127.0.0.1:4318/v1/traces' });
    expect(config.telemetry!.otlp!.auto).toBe(true);
  });

  it('without an endpoint the standard environment decides (the exporter reads it), and nothing at all means off', () => {
    const { userFile } = setup({ telemetry: { otlp: {} } });
    const { config } = loadConfig(undefined, { userFile });
    const fromEnv = exportTarget(config, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })!;
    expect(fromEnv).toMatchObject({ shown: 'http://collector:4318/v1/traces', timeoutMillis: 10_000 });
    expect(fromEnv.url).toBeUndefined();
    expect(exportTarget(config, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/traces', OTEL_EXPORTER_OTLP_TIMEOUT: '3000' })).toMatchObject({ shown: 'http://c:4318/traces', timeoutMillis: 3000 });
    expect(exportTarget(config, {})!.shown).toContain('http://localhost:4318/v1/traces');
    const none = loadConfig(undefined, { userFile: setup({}).userFile }).config;
    expect(exportTarget(none, {})).toBeUndefined();
    expect(exportTarget(none, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toMatchObject({ shown: 'http://c:4318/v1/traces', timeoutMillis: 10_000 });
  });

  it('a bad endpoint is reported by file and key, and ignored', () => {
    const { userFile } = setup({ telemetry: { otlp: { endpoint: 'ftp://x' } } });
    const { config, problems } = loadConfig(undefined, { userFile });
    expect(problems.map((p) => `${p.key}: ${p.message}`).join('\n')).toMatch(/telemetry\.otlp\.endpoint: is "ftp:\/\/x"; an OTLP endpoint is an http:\/\/ or https:\/\/ URL/);
    expect(config.telemetry?.otlp?.endpoint).toBeUndefined();
  });

  it("a project's config cannot turn export on or point it elsewhere unless you trust the project", () => {
    const { userFile, projectDir } = setup({}, { telemetry: { otlp: { endpoint: 'http://evil.example:4318' } } });
    const untrusted = loadConfig(projectDir, { userFile });
    expect(untrusted.config.telemetry).toBeUndefined();
    expect(untrusted.notices.map((n) => `${n.key}: ${n.message}`).join('\n')).toMatch(/^telemetry: ignored: it would send your sessions, agent names and spend to an endpoint the project chooses/);
    fs.writeFileSync(userFile, JSON.stringify({ trusted_projects: [projectDir] }));
    expect(loadConfig(projectDir, { userFile }).config.telemetry?.otlp?.endpoint).toBe('http://evil.example:4318');
  });

  it("the GenAI attribute names are the semantic conventions' own", () => {
    expect(genAi).toMatchObject({
      operationName: semconv.ATTR_GEN_AI_OPERATION_NAME,
      opInvokeAgent: semconv.GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
      providerName: semconv.ATTR_GEN_AI_PROVIDER_NAME,
      providerAnthropic: semconv.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
      agentName: semconv.ATTR_GEN_AI_AGENT_NAME,
      agentId: semconv.ATTR_GEN_AI_AGENT_ID,
      conversationId: semconv.ATTR_GEN_AI_CONVERSATION_ID,
      requestModel: semconv.ATTR_GEN_AI_REQUEST_MODEL,
      responseModel: semconv.ATTR_GEN_AI_RESPONSE_MODEL,
      usageInputTokens: semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      usageOutputTokens: semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      usageCacheCreationInputTokens: semconv.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
      usageCacheReadInputTokens: semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    });
  });
});

// Issue 23: hooks never load OpenTelemetry. The hook entry is bundled here with esbuild's metafile
// and no lazy-loading plugin (so even a lazy require would show up), and the run's fresh build is
// checked for where the OTLP exporter really landed: its own vendor file, which only
// `agent-warden otel export` requires.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, REPO } from '../support/built';

describe('the OpenTelemetry SDK stays out of the hot path', () => {
  it('the hook bundle has no OpenTelemetry input and no telemetry sender', async () => {
    const result = await build({ entryPoints: [path.join(REPO, 'src/hooks/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(50); // the metafile lists what the hook really bundles
    expect(inputs.filter((f) => f.includes('@opentelemetry') || f.includes('src/telemetry/'))).toEqual([]);
  });

  it('the built exporter lives in dist/vendor/otel.cjs only, not in the hook, the server or the CLI itself', () => {
    // The OTLP/protobuf exporter sends this content type; nothing else of ours does.
    const marker = 'application/x-protobuf';
    expect(fs.readFileSync(path.join(DIST, 'vendor', 'otel.cjs'), 'utf8')).toContain(marker);
    for (const file of ['hook.cjs', 'server.cjs', 'server-resident.cjs', 'cli.cjs', 'statusline.cjs', 'api.cjs']) {
      expect(fs.readFileSync(path.join(DIST, file), 'utf8'), file).not.toContain(marker);
    }
    // The CLI reaches it by a require of that file, resolved next to the CLI.
    expect(fs.readFileSync(path.join(DIST, 'cli.cjs'), 'utf8')).toContain('"otel.cjs"');
  });
});

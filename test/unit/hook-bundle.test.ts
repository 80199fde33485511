// The command hook starts a Node process per event: its bundle holds the core and the ledger, and no
// code of the other adapters (CLI, reports, dashboard, metrics, the MCP server, the status line, the
// public API, the importer) nor their libraries. Read from esbuild's metafile of the hook entry,
// bundled as scripts/build.mjs bundles it.
import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/warden';

const { layers } = require(path.join(REPO, 'scripts', 'layers.cjs')) as { layers: { name: string; folders: string[] }[] };

describe('the hook bundle', () => {
  it('loads no report, CLI, MCP or other adapter code', async () => {
    const { metafile } = await build({
      entryPoints: [path.join(REPO, 'src/hooks/main.ts')],
      absWorkingDir: REPO,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // scripts/build.mjs loads these from dist/vendor/ on first use, outside the bundle.
      external: ['gray-matter', 'minisearch', 'js-tiktoken/lite', 'js-tiktoken/ranks/cl100k_base'],
      define: { __WARDEN_VERSION__: '"0"', __BETTER_SQLITE3_VERSION__: '"0"' },
    });
    const inputs = Object.keys(metafile.inputs);
    const otherAdapters = layers[0]!.folders.filter((f) => f !== 'hooks');
    expect(otherAdapters).toEqual(expect.arrayContaining(['cli', 'report', 'server', 'dashboard', 'metrics']));
    const adapterCode = inputs.filter((f) => otherAdapters.some((a) => f.startsWith(`src/${a}/`)));
    expect(adapterCode).toEqual([]);
    const heavyLibraries = inputs.filter((f) => /node_modules\/(commander|cli-table3|cli-progress|picocolors|@modelcontextprotocol|echarts|prom-client|chokidar)\//.test(f));
    expect(heavyLibraries).toEqual([]);
    // It does hold what it runs: the core decision and the ledger.
    expect(inputs).toEqual(expect.arrayContaining(['src/hooks/ingest.ts', 'src/core/handle-event.ts', 'src/ledger/project.ts']));
  });
});

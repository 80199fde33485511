// Bundles each entry point into one CommonJS file under dist/.
// Hooks start a fresh Node process per event, so one pre-built CJS file is the fastest thing to load
// (measured: unbundled ESM costs 30-65 ms more per start, tsx 300+ ms).
// Heavy libraries used only on some paths (frontmatter parsing, the tokenizer and its 1 MB rank
// table) go to files of their own under dist/vendor/, loaded on first use: every process would
// otherwise pay to compile them at start.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bsqlVersion = JSON.parse(readFileSync(new URL('../node_modules/better-sqlite3/package.json', import.meta.url), 'utf8')).version;

// The settings' defaults, computed from the one schema now so that a hook with no config file
// need not build the schema at all.
const defaultConfig = await (async () => {
  const { outputFiles } = await build({ ...{ bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' }, entryPoints: ['src/runtime/config/schema.ts'], write: false });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
  return mod.exports.schemas().configSchema.parse({});
})();

const entries = {
  // The command hook: a small entry that compiles the hook's bundle from V8's code cache (issue 20).
  hook: 'src/hooks/cached-entry.ts',
  'hook-body': 'src/hooks/main.ts',
  cli: 'src/cli/main.ts',
  server: 'src/server/main.ts',
  // The server's hook endpoint and discovery tools, loaded after the handshake (src/server/main.ts).
  'server-resident': 'src/server/resident-entry.ts',
  bootstrap: 'src/runtime/bootstrap-main.ts',
  // The status line runs on every status update: a small entry, and the ledger side on demand.
  statusline: 'src/statusline/main.ts',
  'statusline-facts': 'src/statusline/facts-entry.ts',
  // The public TypeScript API (package.json `exports`); its declarations go to dist/types/.
  api: 'src/api/index.ts',
  // `import`'s reading thread (src/importer/prefetch.ts), started by the CLI beside it.
  'import-reader': 'src/importer/reader-worker.ts',
};

/** Module specifier -> file name under dist/vendor/. */
const lazyVendor = {
  'gray-matter': 'gray-matter',
  minisearch: 'minisearch',
  'minisearch/SearchableMap': 'minisearch-searchable-map',
  'js-tiktoken/lite': 'js-tiktoken-lite',
  'js-tiktoken/ranks/cl100k_base': 'js-tiktoken-cl100k',
  // PostgreSQL client for team budgets: the resident server and a few CLI commands load it; hooks never do.
  pg: 'pg',
};

/**
 * Our own modules that carry a heavy library, bundled to dist/vendor/<file>.cjs and required on
 * first use: the OpenTelemetry SDK (~250 KB) loads only when `otel export` sends spans.
 */
const lazyLocal = {
  'src/telemetry/send.ts': 'otel',
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// Inside the main bundles, a lazy vendor import becomes a require of its own file next to them.
const lazyVendorPlugin = {
  name: 'lazy-vendor',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(lazyVendor).map((k) => k.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-vendor' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-vendor' }, (args) => ({
      contents: `module.exports = require(require('node:path').join(__dirname, 'vendor', ${JSON.stringify(`${lazyVendor[args.path] ?? lazyLocal[args.path]}.cjs`)}));`,
      loader: 'js',
    }));
    // A relative import of one of lazyLocal's files (from any other file) goes the same way.
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = relative(root, resolve(args.resolveDir, args.path)).replace(/\\/g, '/');
      const hit = [file, `${file}.ts`].find((f) => f in lazyLocal);
      return hit && resolve(root, hit) !== args.importer ? { path: hit, namespace: 'lazy-vendor' } : undefined;
    });
  },
};

// The server's `require('./resident-entry')` stays a require of its sibling bundle, loaded after
// the handshake, instead of being inlined (issue 20: the handshake then costs about a bare Node start).
const residentSplitPlugin = {
  name: 'resident-split',
  setup(b) {
    b.onResolve({ filter: /^\.\/resident-entry$/ }, (args) => (args.importer.endsWith(join('src', 'server', 'main.ts')) ? { path: './server-resident.cjs', external: true } : undefined));
  },
};

// `node scripts/build.mjs --out <dir>` builds somewhere else (the tests build into a temp dir, so a
// test run never rewrites the committed dist/). Relative to the repo root.
const outArg = process.argv.indexOf('--out');
const target = outArg > 0 && process.argv[outArg + 1] ? resolve(process.argv[outArg + 1]) : join(root, 'dist');

// Build beside the target and move each file in with an atomic rename: a test or a hook running
// from it meanwhile sees the old file or the new one, never none.
const out = `${target}.tmp-${process.pid}`;
rmSync(out, { recursive: true, force: true });
await Promise.all([
  ...Object.entries(entries).map(([name, src]) =>
    build({
      ...common,
      entryPoints: [src],
      outfile: `${out}/${name}.cjs`,
      banner: name === 'cli' ? { js: '#!/usr/bin/env node' } : undefined,
      define: {
        __WARDEN_VERSION__: JSON.stringify(pkg.version),
        __BETTER_SQLITE3_VERSION__: JSON.stringify(bsqlVersion),
        // Baked so that a hook with no config file never builds the config schema (~15 ms of zod).
        __DEFAULT_CONFIG__: JSON.stringify(defaultConfig),
      },
      plugins: [lazyVendorPlugin, residentSplitPlugin],
    }),
  ),
  ...Object.entries(lazyLocal).map(([source, file]) => build({ ...common, entryPoints: [source], outfile: `${out}/vendor/${file}.cjs` })),
  ...Object.entries(lazyVendor).map(([specifier, file]) =>
    build({
      ...common,
      stdin: { contents: `module.exports = require(${JSON.stringify(specifier)});`, resolveDir: '.', loader: 'js' },
      outfile: `${out}/vendor/${file}.cjs`,
    }),
  ),
]);

// hooks/hooks.json is generated from src/server/hooks-manifest.ts (one source for every handler and
// its input block); test/unit/hooks-manifest.test.ts checks the committed file. Only a build of the
// repo's own dist/ writes it: a test building into a temp dir never rewrites a tracked file.
if (target === join(root, 'dist')) {
  const { outputFiles } = await build({ bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', entryPoints: ['src/server/hooks-manifest.ts'], write: false });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
  writeFileSync(join(root, 'hooks', 'hooks.json'), mod.exports.hooksJsonText());
}

// Declarations of the public API, for programs that import the package.
import { execFileSync } from 'node:child_process';
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.api.json', '--outDir', join(out, 'types')], { stdio: 'inherit' });

// The dashboard inlines its chart library and page script into each HTML file it writes.
mkdirSync(`${out}/vendor`, { recursive: true });
copyFileSync('node_modules/echarts/dist/echarts.min.js', `${out}/vendor/echarts.min.js`);
copyFileSync('src/dashboard/page-script.js', `${out}/vendor/dashboard.js`);

const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
const built = new Set(files(out).map((f) => relative(out, f)));
for (const file of built) {
  mkdirSync(dirname(join(target, file)), { recursive: true });
  renameSync(join(out, file), join(target, file));
}
for (const file of files(target).map((f) => relative(target, f))) if (!built.has(file)) rmSync(join(target, file));
rmSync(out, { recursive: true, force: true });

// Bundles each entry point into one CommonJS file under dist/.
// Hooks start a fresh Node process per event, so one pre-built CJS file is the fastest thing to load
// (see ../shared/docs/hook-performance-floor.md: unbundled ESM costs 30-65 ms more, tsx 300+ ms).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const bsqlVersion = JSON.parse(readFileSync(new URL('../node_modules/better-sqlite3/package.json', import.meta.url), 'utf8')).version;

const entries = {
  hook: 'src/hooks/main.ts',
  cli: 'src/cli/main.ts',
  server: 'src/server/main.ts',
  bootstrap: 'src/runtime/bootstrap-main.ts',
};

const { existsSync } = await import('node:fs');
await Promise.all(
  Object.entries(entries)
    .filter(([, src]) => existsSync(src))
    .map(([name, src]) =>
      build({
        entryPoints: [src],
        outfile: `dist/${name}.cjs`,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        minify: true,
        legalComments: 'none',
        banner: name === 'cli' ? { js: '#!/usr/bin/env node' } : undefined,
        define: {
          __WARDEN_VERSION__: JSON.stringify(pkg.version),
          __BETTER_SQLITE3_VERSION__: JSON.stringify(bsqlVersion),
        },
        logLevel: 'warning',
      }),
    ),
);

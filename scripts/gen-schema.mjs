// Writes schema/config.schema.json from the zod schema in src/runtime/config/schema.ts, the one source of
// truth for settings. `--check` exits 1 instead when the committed file is stale (a unit test
// runs the same comparison).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = `${root}schema/config.schema.json`;

const bundled = await build({
  stdin: {
    contents: `import * as z from 'zod/mini'; import { schemas } from './src/runtime/config/schema';
      export default z.toJSONSchema(schemas().configSchema, { io: 'input' });`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
const { default: schema } = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);
const text = JSON.stringify({ ...schema, title: 'agent-warden configuration' }, null, 2) + '\n';

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    process.stderr.write('schema/config.schema.json is stale: run `node scripts/gen-schema.mjs`\n');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}

// The layering of src/ (scripts/layers.cjs: adapters -> core -> ledger -> runtime) holds: no import
// cycle (between files or between folders), no import from a lower layer to a higher one, the command hook loads no other adapter.
// dependency-cruiser (.dependency-cruiser.cjs) checks the real tree; the same rules must also catch
// each kind of violation in a small tree built for the purpose, so they cannot pass by matching nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/warden';
import { makeTempDir } from '../support/sandbox';

const { layers } = require(path.join(REPO, 'scripts', 'layers.cjs')) as { layers: { name: string; folders: string[] }[] };
const CONFIG = path.join(REPO, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

function cruise(cwd: string): Violation[] {
  const r = spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', 'src'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout).summary.violations as Violation[]).map((v) => ({ ...v }));
}
const describeViolation = (v: Violation) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;

const scratch = makeTempDir('layering');
afterAll(() => scratch.cleanup());

describe('layering of src/', () => {
  it('every top-level folder of src/ belongs to exactly one layer', () => {
    const folders = fs.readdirSync(path.join(REPO, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const listed = layers.flatMap((l) => l.folders);
    expect(listed.length, 'a folder listed in two layers').toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(folders);
    expect(layers.map((l) => l.name)).toEqual(['adapters', 'core', 'ledger', 'runtime']);
  });

  it('src/ has no import cycle and no upward import', () => {
    expect(cruise(REPO).map(describeViolation)).toEqual([]);
  });

  it('the rules catch a cycle, an upward import at each layer, and the hook loading another adapter', () => {
    const root = scratch.path;
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }));
    for (const layer of layers) for (const folder of layer.folders) write(`src/${folder}/leaf.ts`, 'export const leaf = 1;\n');
    write('src/core/a.ts', "import { b } from './b';\nexport const a = b;\n");
    write('src/core/b.ts', "import type { a } from './a';\nexport const b = 1 as typeof a;\n");
    write('src/ledger/up.ts', "import { leaf } from '../core/leaf';\nexport const up = leaf;\n");
    write('src/runtime/up.ts', "import { leaf } from '../ledger/leaf';\nexport const up = leaf;\n");
    write('src/core/up.ts', "import { leaf } from '../report/leaf';\nexport const up = leaf;\n");
    write('src/hooks/heavy.ts', "import { leaf } from '../report/leaf';\nexport const heavy = leaf;\n");
    write('src/report/cli-user.ts', "import { leaf } from '../cli/leaf';\nexport const x = leaf;\n");
    // Folders that import each other, through different files (no file-level cycle).
    write('src/core/x/one.ts', "import { two } from '../y/two';\nexport const one = two;\n");
    write('src/core/x/three.ts', 'export const three = 3;\n');
    write('src/core/y/two.ts', "export const two = 2;\n");
    write('src/core/y/four.ts', "import { three } from '../x/three';\nexport const four = three;\n");
    const found = cruise(root).map((v) => `${v.rule.name}: ${v.from}`).sort();
    expect(found).toEqual(
      [
        'cli-is-imported-by-nothing: src/report/cli-user.ts',
        'hooks-loads-no-other-adapter: src/hooks/heavy.ts',
        'no-circular: src/core/a.ts',
        'no-circular-folders: src/core/x',
        'no-circular-folders: src/core/y',
        'no-upward-from-core: src/core/up.ts',
        'no-upward-from-ledger: src/ledger/up.ts',
        'no-upward-from-runtime: src/runtime/up.ts',
      ].sort(),
    );
  });
});

// A marketplace install runs no build: users get the committed dist/ bundles. The test run builds
// the sources into a temp dir (test/global-setup.ts); any file that differs from the committed
// dist/ means the bundles users get are stale.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DIST, REPO } from '../support/built';

const files = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name])).sort();

describe('committed bundles', () => {
  it('match a fresh build of the sources, file for file', () => {
    expect(DIST, 'the global setup builds into a temp dir').not.toBe(path.join(REPO, 'dist'));
    // What is committed, not what the working tree holds.
    const committed = execFileSync('git', ['ls-files', '--', 'dist'], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').filter(Boolean).map((f) => path.relative('dist', f)).sort();
    expect(committed, 'the file list of dist/').toEqual(files(DIST));
    const stale = committed.filter((f) => !execFileSync('git', ['show', `HEAD:dist/${f}`], { cwd: REPO, maxBuffer: 64 << 20 }).equals(fs.readFileSync(path.join(DIST, f))));
    expect(stale, 'rebuild with `npm run build` and commit dist/').toEqual([]);
  });
});

// A marketplace install runs no build: users get the committed dist/ bundles. In CI (a clean
// clone, where `npm ci` has just rebuilt dist/ from the sources) any difference means the
// committed bundles are stale.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { REPO } from '../support/warden';

describe('committed bundles', () => {
  it.runIf(process.env.CI === 'true')('match a fresh build of the sources', () => {
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { cwd: REPO, encoding: 'utf8' });
    expect(changed, 'rebuild with `npm run build` and commit dist/').toBe('');
  });
});

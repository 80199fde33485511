// Issue 2, must show 1 (second half): the real CLI, installed from npm at a pinned version,
// validates this repository as a plugin and as a one-plugin marketplace.
import { describe, expect, it } from 'vitest';
import { execClaude, makeHome } from '../support/claude-cli';
import { REPO } from '../support/warden';

describe('claude plugin validate --strict .', () => {
  it('passes', async () => {
    const home = makeHome();
    try {
      const run = await execClaude(['plugin', 'validate', '--strict', '.'], { home: home.path, cwd: REPO });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('Validation passed');
      expect(run.stdout).not.toMatch(/✘ Found \d+ error/);
    } finally {
      home.cleanup();
    }
  });
});

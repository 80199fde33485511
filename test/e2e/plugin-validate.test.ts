// Issue 2, must show 1 (second half): the real CLI, installed from npm at a pinned version,
// validates this repository as a plugin and as a one-plugin marketplace.
import { describe, expect, it } from 'vitest';
import { execClaude, expectedClaudeVersion, makeHome } from '../support/claude-cli';
import { REPO } from '../support/warden';

describe('claude plugin validate --strict .', () => {
  // The pinned 2.1.328, or the newer one `.ci/run` names with AGENT_WARDEN_CLAUDE_BIN/_VERSION.
  it(`runs on Claude Code ${expectedClaudeVersion() || '(set AGENT_WARDEN_CLAUDE_VERSION)'}`, async () => {
    const home = makeHome();
    try {
      const run = await execClaude(['--version'], { home: home.path, cwd: REPO });
      expect(expectedClaudeVersion()).not.toBe('');
      expect(run.stdout.trim()).toBe(`${expectedClaudeVersion()} (Claude Code)`);
    } finally {
      home.cleanup();
    }
  });

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

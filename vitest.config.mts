import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // End-to-end tests start the real Claude Code CLI; they are slow but bounded.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

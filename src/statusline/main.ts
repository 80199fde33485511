// dist/statusline.cjs: the status line's own small entry, loading no CLI framework. The ledger
// reader is a second bundle (statusline-facts.cjs) required only when the cache cannot answer.
import { join } from 'node:path';
import type { gatherFacts } from './facts-entry';
import { FALLBACK } from './render';
import { readStdin, runStatusline } from './run';

try {
  const text = readStdin();
  const out = runStatusline(text, {
    env: process.env,
    now: Date.now(),
    isTty: process.stdout.isTTY === true,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loadFacts: () => (require(join(__dirname, 'statusline-facts.cjs')) as { gatherFacts: typeof gatherFacts }).gatherFacts,
  });
  process.stdout.write(out + '\n');
} catch {
  process.stdout.write(FALLBACK + '\n');
}
process.exitCode = 0;

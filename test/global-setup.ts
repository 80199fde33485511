// Tests run the built hook and CLI as real processes: build once, before any test file, into a
// temp plugin dir (never the committed dist/), so no test reads a bundle another is rewriting and
// a test run leaves the checkout as it found it.
import fs from 'node:fs';
import { buildPluginDir } from './support/built';

export default function setup(): () => void {
  const dir = buildPluginDir();
  process.env.AGENT_WARDEN_TEST_PLUGIN = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

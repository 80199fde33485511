// Reading and writing one config file for the commands that change settings (`budget set`,
// `trust`): the file must be a JSON object, is validated before it is written, and is replaced
// whole by a rename so a reader never sees half a file.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from './errors';
import { problemsIn } from '../runtime/config/load';
import { formatProblem } from '../runtime/config/problems';

export function readConfigObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'check its permissions');
  }
  try {
    const raw = JSON.parse(text);
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw;
  } catch {
    // reported below
  }
  throw new UserError(`${file} is not a JSON object, so it was left unchanged`, 'fix its JSON syntax (or remove the file) and run the command again');
}

export function writeConfigObject(file: string, next: Record<string, unknown>): void {
  const problems = problemsIn(file, next);
  if (problems.length) throw new UserError(`the change is not valid, ${file} is unchanged:\n  ${problems.map(formatProblem).join('\n  ')}`, 'fix the options named above');
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    rmSync(tmp, { force: true });
    if (code === 'ENOSPC') throw new UserError(`cannot write ${file}: the disk is full; the file is unchanged`, 'free some space, then run the command again');
    throw new UserError(`cannot write ${file} (${code ?? (err as Error).message}); the file is unchanged`, 'check the permissions of its folder, or set AGENT_WARDEN_HOME to a folder you can write');
  }
}

// Two kinds of errors: the user's and the environment's (exit 1, one line with the cause and the
// next command) and ours (exit 2, with how to report).
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ledgerPath } from '../runtime/paths';

export class UserError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * A disk, permission or database condition the user can fix, as one sentence and the next command;
 * undefined for anything else (a bug of ours).
 */
export function environmentError(err: unknown, o: { file: string; mode: 'read' | 'write' }): UserError | undefined {
  const e = err as NodeJS.ErrnoException & { code?: string };
  const code = String(e?.code ?? '');
  const dir = dirname(o.file);
  const elsewhere = 'or set AGENT_WARDEN_HOME to a folder you can write';
  if (code === 'ENOSPC' || code.startsWith('SQLITE_FULL') || /database or disk is full|no space left/i.test(e?.message ?? '') || (code.startsWith('SQLITE_IOERR') && diskFull(dir))) {
    return new UserError(`the disk holding ${dir} is full, so the ledger cannot be ${o.mode === 'write' ? 'changed' : 'read'}`, `free some space (\`df -h ${dir}\`), then run the command again`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || ((code === 'EACCES' || code === 'EPERM') && o.mode === 'write')) {
    return new UserError(`${o.file} is read-only for you, so this command cannot change it (read commands such as \`agent-warden sessions\` still work)`, `run it as the ledger's owner, ${elsewhere}`);
  }
  if (code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) {
    return new UserError(`permission denied reading ${e.path ?? o.file}`, `ask its owner for read access (\`ls -l ${dir}\`), ${elsewhere}`);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return new UserError(`${o.file} is damaged (${e.message})`, 'run `agent-warden doctor` to check it; a hook moves a damaged ledger aside and starts a new one');
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new UserError(`the ledger is locked by another process (${o.file})`, 'run the command again in a moment; `agent-warden doctor` shows what holds it');
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR') {
    return new UserError(`cannot open the ledger at ${o.file} (${e.message})`, `check that ${dir} exists and is a folder you can read, then run \`agent-warden doctor\``);
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return new UserError(`the disk reported an I/O error on ${o.file} (${e.message})`, 'check the disk (`dmesg`), then run `agent-warden doctor`');
  }
  if (code.startsWith('SQLITE_ERROR') && /no such (table|column)/.test(e.message ?? '')) {
    return new UserError(`${o.file} was written by a different version of agent-warden (${e.message})`, 'run any agent-warden write command (e.g. `agent-warden ledger rebuild`) as its owner to upgrade it');
  }
  return undefined;
}

/** SQLite reports a full disk as an I/O error when it cannot grow its WAL index: ask the file system. */
function diskFull(dir: string): boolean {
  try {
    return statfsSync(dir).bavail === 0;
  } catch {
    return false;
  }
}

export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`agent-warden: ${err.message}${err.fix ? `; ${err.fix}` : ''}\n`);
    return 1;
  }
  const env = environmentError(err, { file: (err as { path?: string })?.path ?? ledgerPath(), mode: 'read' });
  if (env) return reportError(env);
  const e = err as Error;
  process.stderr.write(`agent-warden: internal error: ${e?.stack ?? String(err)}\nPlease report it with the command you ran and \`agent-warden doctor\` output.\n`);
  return 2;
}

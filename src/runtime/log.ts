// Traces for people, never for Claude Code: one line on stderr (hooks must keep stdout for JSON)
// and a line in warden.log so `agent-warden doctor` can tell what happened later.
import { mkdirSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { logPath } from './paths';
import { appendNoFollow, refuseSymlink } from './safe-file';

export function trace(message: string, opts: { stderr?: boolean } = {}): void {
  const line = `agent-warden: ${message.replace(/\s+/g, ' ').slice(0, 500)}`;
  if (opts.stderr !== false) toStderr(line + '\n');
  try {
    const file = logPath();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    refuseSymlink(dirname(file));
    // A symlink planted as warden.log must not get our lines appended to whatever it points at.
    appendNoFollow(file, `${new Date().toISOString()} ${line}\n`);
  } catch {
    // Nowhere left to write: the stderr line is all we can do.
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Synchronously where it can (the command hook ends with process.exit), else through the stream. */
function toStderr(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    process.stderr.write(text);
  }
}

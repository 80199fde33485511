// Traces for people, never for Claude Code: one line on stderr (hooks must keep stdout for JSON)
// and a line in warden.log so `agent-warden doctor` can tell what happened later.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { logPath } from './paths';

export function trace(message: string, opts: { stderr?: boolean } = {}): void {
  const line = `agent-warden: ${message.replace(/\s+/g, ' ').slice(0, 500)}`;
  if (opts.stderr !== false) process.stderr.write(line + '\n');
  try {
    const file = logPath();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
  } catch {
    // Nowhere left to write: the stderr line is all we can do.
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

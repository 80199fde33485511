// How the command hook knows the resident server is answering: while connected, the server keeps
// `<warden home>/resident/<Claude Code pid>` holding its own pid. The command hook's shell check
// (hooks/command-or-resident.sh) skips Node only when that file names a live process, so a server
// that crashed or never started leaves the command path in charge on the very next event.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { wardenHome } from '../runtime/paths';

export const residentDir = (home = wardenHome()) => join(home, 'resident');

/** The file for the Claude Code process that started this server (our parent). */
export function heartbeatFile(claudePid: number = process.ppid, home = wardenHome()): string {
  return join(residentDir(home), String(claudePid));
}

export function announceResident(file = heartbeatFile()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
}

/** Removes the file only if it is still ours (a restarted server may have written its own). */
export function withdrawResident(file = heartbeatFile()): void {
  try {
    if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}

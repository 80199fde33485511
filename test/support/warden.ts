/**
 * Running agent-warden's own built artefacts the way users do: the CLI (`dist/cli.cjs`) and the
 * command hook (`dist/hook.cjs`) of the run's fresh build, as real processes against a ledger in a temp home.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIST, PLUGIN_DIR, REPO } from './built';

export { PLUGIN_DIR, REPO };
/** The fresh build of the run (see ./built.ts), not the committed dist/. */
export const CLI = path.join(DIST, 'cli.cjs');
export const HOOK = path.join(DIST, 'hook.cjs');

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function wardenEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AGENT_WARDEN_HOME: home, NO_COLOR: '1', ...extra };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

export function runCli(args: string[], home: string, opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Ran {
  const res = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO, env: wardenEnv(home, opts.env), encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function cliJson<T = any>(args: string[], home: string, opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): T {
  const ran = runCli([...args, '--json'], home, opts);
  if (ran.status !== 0) throw new Error(`agent-warden ${args.join(' ')} exited ${ran.status}: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as T;
}

export function runHook(input: string | Buffer, home: string, opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Ran {
  const res = spawnSync(process.execPath, [HOOK], { input, cwd: opts.cwd ?? REPO, env: wardenEnv(home, opts.env), encoding: 'utf8', timeout: 30_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Waits (bounded) until nothing waits in the warden home's inbox: the session end that
 * hooks/session-event.sh hands to a detached drain (issue 20) is then recorded, with its transcript
 * reads and the background work it starts. A session's end is asynchronous by design; a test that
 * reads the ledger directly right after a session waits for it here (reports drain it themselves).
 */
export async function sessionEndRecorded(wardenHome: string, limitMs = 60_000): Promise<void> {
  const inbox = path.join(wardenHome, 'inbox');
  const waiting = () => (fs.existsSync(inbox) ? fs.readdirSync(inbox).filter((f) => f.endsWith('.json')) : []);
  const end = Date.now() + limitMs;
  while (waiting().length) {
    if (Date.now() > end) throw new Error(`the inbox still holds ${waiting().join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A real PostgreSQL (Debian's package, `apt-get install postgresql`) for one test file: initdb into a
 * temp dir, served on a free loopback port, stopped (and started again) on demand, removed after.
 *
 * initdb and the server refuse to run as root, so they run as the `postgres` user. On these machines
 * /dev/null is mode 0600, which initdb (run as postgres) cannot open: each PostgreSQL process runs in
 * a private mount namespace (`unshare -m`) where a `mknod -m 666` node from the temp dir is
 * bind-mounted over /dev/null. The system's /dev/null is never touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface Postgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  port: number;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/** The newest installed major version's bin dir, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'bin', 'postgres'))) : [];
  if (!majors.length) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (.ci/run does it)');
  return path.join(root, majors.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no postgres user: apt-get install -y postgresql');
  return { uid, gid };
}

/** A shell line that runs `command` as postgres with a writable /dev/null of its own (run it under `unshare -m`). */
function asPostgres(dir: string, command: string[]): string[] {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const nul = path.join(dir, 'null');
  const script = [
    `[ -c ${quote(nul)} ] || mknod -m 666 ${quote(nul)} c 1 3`,
    `mount --bind ${quote(nul)} /dev/null`,
    `exec setpriv --reuid=postgres --regid=postgres --init-groups ${command.map(quote).join(' ')}`,
  ].join(' && ');
  return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script];
}


async function ready(url: string, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`postgres exited ${child.exitCode}: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : ''}`);
    const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch {
      await c.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('postgres did not accept connections');
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  const { uid, gid } = postgresIds();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-pg-'));
  fs.chownSync(dir, uid, gid);
  fs.chmodSync(dir, 0o700);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const init = spawnSync(asPostgres(dir, [])[0]!, asPostgres(dir, [path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']).slice(1), {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}${init.stdout}`);
  const port = await freePort();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    const out = fs.openSync(log, 'a');
    const argv = asPostgres(dir, [path.join(bin, 'postgres'), '-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off']);
    child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    await ready(url(), child, log);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    // The exec chain leaves postgres itself as our child: SIGINT is its fast shutdown.
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGINT');
    await exited;
  };
  await start();
  return {
    url,
    port,
    async createDatabase(name) {
      const c = new Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    stop,
    start,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

import type { Command } from 'commander';
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { loadConfig } from '../../runtime/config/load';
import { metricsRegistry } from '../../metrics/registry';
import { metricsSnapshot, type MetricsSnapshot } from '../../metrics/snapshot';
import { projectOf } from '../../runtime/paths';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';

export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .description('Prometheus metrics of this machine\'s ledger: serve /metrics, or print them once')
    .option('--listen <host:port>', 'address to serve /metrics on (loopback unless --allow-remote)', '127.0.0.1:9464')
    .option('--allow-remote', 'allow a non-loopback --listen address (the metrics show spend per agent type and model)')
    .option('--once', 'print the exposition to stdout and exit')
    .action(async (opts) => {
      const project = projectOf(undefined);
      // Read-only on every scrape: fresh values, and a scraper never writes the ledger.
      const read = (): MetricsSnapshot => withLedger((db) => metricsSnapshot(db, loadConfig(process.cwd()).config, project, Date.now()), { catchUp: false });
      let current: MetricsSnapshot | undefined;
      const registry = metricsRegistry(() => current!);
      const exposition = async () => {
        current = read();
        return registry.metrics();
      };
      if (opts.once) return void process.stdout.write(await exposition());
      const { host, port } = parseListen(opts.listen, Boolean(opts.allowRemote));
      await serve(host, port, registry.contentType, exposition);
    });
}

export function parseListen(listen: string, allowRemote: boolean): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UserError(`--listen ${listen} is not host:port`, 'run `agent-warden metrics --listen 127.0.0.1:9464`');
  const host = m[1] ?? m[2]!;
  if (!allowRemote && !isLoopback(host)) {
    throw new UserError(`--listen ${listen} is not a loopback address, and the metrics show this machine's spend`, `run \`agent-warden metrics --listen ${listen} --allow-remote\` to serve them there anyway`);
  }
  return { host, port };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function serve(host: string, port: number, contentType: string, exposition: () => Promise<string>): Promise<void> {
  return new Promise((done, fail) => {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: agent-warden serves /metrics\n');
        return;
      }
      exposition().then(
        (text) => res.writeHead(200, { 'content-type': contentType }).end(text),
        (err: Error) => {
          // A failed scrape is visible twice: Prometheus marks the target down, and this says why.
          process.stderr.write(`agent-warden: could not read the ledger for /metrics (${err.message})\n`);
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`agent-warden: ${err.message}\n`);
        },
      );
    });
    server.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? new UserError(`${host}:${port} is taken`, 'pick another address with --listen') : err));
    server.listen(port, host, () => {
      const { port: bound } = server.address() as { port: number };
      const shown = host.includes(':') ? `[${host}]` : host;
      process.stdout.write(`Serving Prometheus metrics on http://${shown}:${bound}/metrics (Ctrl-C to stop)\n`);
      const stop = () => server.close(() => done());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}

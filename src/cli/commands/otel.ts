import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config/load';
import { catchUpTranscripts } from '../../core/catch-up';
import { errorText, trace } from '../../runtime/log';
import { projectOf, userConfigPath } from '../../runtime/paths';
import { exportStatus } from '../../telemetry/export-state';
import { exportSpans, exportTarget } from '../../telemetry/export';
import { UserError } from '../errors';
import { withLedger } from '../ledger-access';
import { printJson } from '../output';
import { jsonOption, sinceOption } from '../flags';
import { parseSince } from '../time';

declare const __WARDEN_VERSION__: string;
const version = typeof __WARDEN_VERSION__ === 'string' ? __WARDEN_VERSION__ : 'dev';

const notConfigured = () =>
  new UserError('no OTLP endpoint is configured', `add "telemetry": {"otlp": {"endpoint": "http://127.0.0.1:4318"}} to your config (${userConfigPath()}), or set OTEL_EXPORTER_OTLP_ENDPOINT`);

export function registerOtelCommands(program: Command): void {
  const otel = program.command('otel').description('OpenTelemetry: export sessions and dispatches as OTLP spans to your collector');
  otel
    .command('export')
    .description("send the spans of finished sessions that were not sent yet (SessionEnd does this in the background when telemetry.otlp is set); safe to run again: nothing is sent twice")
    .addOption(sinceOption('7d'))
    .option('--session <id>', 'only this session')
    .option('--endpoint <url>', "the collector's OTLP/HTTP base URL for this run (default: telemetry.otlp.endpoint, else OTEL_EXPORTER_OTLP_ENDPOINT)")
    .addOption(jsonOption())
    .action(async (opts) => {
      const { config } = loadConfig(projectOf(undefined));
      if (opts.endpoint !== undefined && !/^https?:\/\/[^/]/i.test(opts.endpoint)) throw new UserError(`--endpoint ${opts.endpoint} is not an http:// or https:// URL`, 'run `agent-warden otel export --endpoint http://127.0.0.1:4318`');
      const target = exportTarget(opts.endpoint ? { ...config, telemetry: { ...config.telemetry, otlp: { auto: true, ...config.telemetry?.otlp, endpoint: opts.endpoint } } } : config);
      if (!target) throw notConfigured();
      const scope = { sessionId: opts.session, since: opts.session ? undefined : parseSince(opts.since) };
      // The same figures `dispatches --json` shows: first read what transcripts gained since the last hook.
      withLedger((db) => {
        try {
          catchUpTranscripts(db, config);
        } catch (err) {
          trace(`could not catch up with transcripts before exporting (${errorText(err)})`);
        }
      }, { write: true });
      const outcome = await exportSpans((fn) => withLedger(fn, { write: true }), target, scope, { version });
      if (opts.json) printJson(outcome);
      else if (outcome.error) process.stderr.write(`agent-warden: sent ${outcome.exported_spans} span(s) to ${outcome.endpoint}, then the export failed: ${outcome.error}\n`);
      else process.stdout.write(`Sent ${outcome.exported_spans} span(s) of ${outcome.sessions} session(s) to ${outcome.endpoint}.\n`);
      if (!opts.json && opts.session && outcome.exported_spans === 0 && !outcome.error) {
        process.stderr.write(`agent-warden: session ${opts.session} has nothing unsent, or has not ended yet (its spans go when it ends, or after an hour without events)\n`);
      }
      if (outcome.error) {
        if (!opts.json) process.stderr.write('     fix: check that the collector is up and the endpoint right (`agent-warden otel status`), then run `agent-warden otel export` again; the spans stay queued\n');
        process.exitCode = 1;
      }
    });
  otel
    .command('status')
    .description('where spans go, how many were sent, how many wait, and the last error')
    .addOption(jsonOption())
    .action((opts) => {
      const { config } = loadConfig(projectOf(undefined));
      const target = exportTarget(config);
      const status = { enabled: Boolean(target), endpoint: target?.shown ?? null, automatic: Boolean(config.telemetry?.otlp && config.telemetry.otlp.auto !== false), ...withLedger((db) => exportStatus(db, Date.now()), { catchUp: false }) };
      if (opts.json) return printJson(status);
      const lines = [
        target ? `OTLP endpoint: ${target.shown}${status.automatic ? ' (sessions are exported when they end)' : ' (export by hand: `agent-warden otel export`)'}` : 'OpenTelemetry export is off (no telemetry.otlp in your config, no OTEL_EXPORTER_OTLP_ENDPOINT)',
        `spans sent: ${status.exported_spans}; waiting (finished sessions of the last 7 days): ${status.waiting_spans}`,
        status.last_success_at ? `last export: ${status.last_success_at}` : undefined,
        status.last_error ? `last error (${status.last_error_at}, ${status.last_error_endpoint}): ${status.last_error}` : undefined,
      ];
      process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
    });
}

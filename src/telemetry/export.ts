// `agent-warden otel export`: sends the spans of finished sessions that were not sent yet, in
// requests of at most MAX_SPANS, and records what went. Started in the background at SessionEnd
// (when `telemetry.otlp` is configured) and safe to run by hand or from cron at any time: it sends
// nothing twice. A collector that is down costs at most one request's timeout; its spans stay
// queued, the failure goes to warden.log, and `doctor` shows it.
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { errorText, trace } from '../runtime/log';
import { claimSpans, markSent, releaseClaim, type Scope } from './export-state';
import type * as SendModule from './send';

const MAX_SPANS = 512;

export interface ExportTarget {
  /** The traces URL to pass to the exporter; undefined lets it read OTEL_EXPORTER_OTLP_* itself. */
  url?: string;
  headers?: Record<string, string>;
  timeoutMillis: number;
  /** Where the spans go, for people (never with headers: they may hold keys). */
  shown: string;
}

/**
 * Where spans go: `telemetry.otlp.endpoint` of your config, else the standard environment
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT), else OpenTelemetry's default
 * when `telemetry.otlp` is present. Undefined: telemetry is off.
 */
export function exportTarget(config: Config, env: NodeJS.ProcessEnv = process.env): ExportTarget | undefined {
  const otlp = config.telemetry?.otlp;
  const envTimeout = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT);
  const timeoutMillis = otlp?.timeout_ms ?? (envTimeout > 0 ? envTimeout : 10_000);
  if (otlp?.endpoint) return { url: tracesUrl(otlp.endpoint), headers: otlp.headers, timeoutMillis, shown: tracesUrl(otlp.endpoint) };
  const fromEnv = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (env.OTEL_EXPORTER_OTLP_ENDPOINT ? tracesUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined);
  if (fromEnv) return { headers: otlp?.headers, timeoutMillis, shown: fromEnv };
  if (otlp) return { headers: otlp.headers, timeoutMillis, shown: 'http://localhost:4318/v1/traces (OpenTelemetry\'s default)' };
  return undefined;
}

const tracesUrl = (base: string): string => `${base.replace(/\/+$/, '')}/v1/traces`;

export interface ExportOutcome {
  endpoint: string;
  exported_spans: number;
  sessions: number;
  requests: number;
  /** Set when a request failed: those spans (and any not tried after it) wait for the next run. */
  error?: string;
}

/**
 * Claims, sends and settles batches until nothing is left or a request fails. `withDb` opens the
 * ledger for writing for each short step (none is held open across the network wait).
 */
export async function exportSpans(
  withDb: <T>(fn: (db: Ledger) => T) => T,
  target: ExportTarget,
  scope: Scope,
  opts: { version: string; now?: () => number } = { version: 'dev' },
): Promise<ExportOutcome> {
  const now = opts.now ?? Date.now;
  const out: ExportOutcome = { endpoint: target.shown, exported_spans: 0, sessions: 0, requests: 0 };
  // A claim outlives any request: the exporter gives up after its timeout (and its retries within it).
  const leaseMs = Math.max(60_000, 3 * target.timeoutMillis);
  for (;;) {
    const claim = withDb((db) => claimSpans(db, scope, now(), { maxSpans: MAX_SPANS, leaseMs }));
    if (!claim.spans.length) return out;
    out.requests++;
    let result: SendModule.SendResult;
    try {
      result = await sendModule().sendSpans(claim.spans, { url: target.url, headers: target.headers, timeoutMillis: target.timeoutMillis, version: opts.version });
    } catch (err) {
      result = { ok: false, error: errorText(err) };
    }
    if (!result.ok) {
      const error = result.error ?? 'unknown error';
      withDb((db) => releaseClaim(db, claim, now(), error, target.shown));
      trace(`OpenTelemetry export to ${target.shown} failed (${error}); ${claim.spans.length} span(s) stay queued for the next \`agent-warden otel export\``, { stderr: false });
      return { ...out, error };
    }
    withDb((db) => markSent(db, claim, now()));
    out.exported_spans += claim.spans.length;
    out.sessions += claim.sessions;
  }
}

// The OpenTelemetry SDK (~250 KB) loads only here, from its own bundle (dist/vendor/otel.cjs).
let loaded: typeof SendModule | undefined;
const sendModule = (): typeof SendModule => (loaded ??= require('./send') as typeof SendModule);

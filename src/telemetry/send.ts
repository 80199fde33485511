// Sends planned spans with the official OpenTelemetry exporter (OTLP/HTTP, protobuf). This is the
// one file that loads the OpenTelemetry SDK; the build puts it (and the SDK) in dist/vendor/otel.cjs,
// which only `agent-warden otel export` loads. Hooks never do.
import { SpanKind, SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { ExportResultCode, hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { hostname } from 'node:os';
import type { SpanPlan } from './spans';

export interface SendOptions {
  /** Full traces URL (…/v1/traces); undefined: the exporter's own OTEL_EXPORTER_OTLP_* environment, then its default. */
  url?: string;
  headers?: Record<string, string>;
  timeoutMillis: number;
  version: string;
}

export interface SendResult {
  ok: boolean;
  error?: string;
}

/** One export request for these spans; resolves (never rejects) with what the collector said. */
export async function sendSpans(plans: SpanPlan[], opts: SendOptions): Promise<SendResult> {
  const exporter = new OTLPTraceExporter({ url: opts.url, headers: opts.headers, timeoutMillis: opts.timeoutMillis });
  try {
    const resource = resourceOf(opts.version);
    const scope = { name: 'agent-warden', version: opts.version };
    const spans = plans.map((p) => readableSpan(p, resource, scope));
    return await new Promise<SendResult>((done) => {
      exporter.export(spans, (result) => done(result.code === ExportResultCode.SUCCESS ? { ok: true } : { ok: false, error: result.error?.message ?? 'the collector refused the spans' }));
    });
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    await exporter.shutdown().catch(() => undefined);
  }
}

/** service.name agent-warden on this host; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override, as everywhere in OpenTelemetry. */
function resourceOf(version: string): Resource {
  const base = resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'agent-warden', [ATTR_SERVICE_VERSION]: version, 'host.name': hostname() });
  return base.merge(detectResources({ detectors: [envDetector] }));
}

function readableSpan(p: SpanPlan, resource: Resource, instrumentationScope: { name: string; version: string }): ReadableSpan {
  const context: SpanContext = { traceId: p.traceId, spanId: p.spanId, traceFlags: TraceFlags.SAMPLED };
  const startTime = millisToHrTime(p.startMs);
  const endTime = millisToHrTime(p.endMs);
  return {
    name: p.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext: p.parentSpanId ? { traceId: p.traceId, spanId: p.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: false } : undefined,
    startTime,
    endTime,
    duration: hrTimeDuration(startTime, endTime),
    status: p.status.code === 'error' ? { code: SpanStatusCode.ERROR, message: p.status.message } : { code: SpanStatusCode.UNSET },
    attributes: p.attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

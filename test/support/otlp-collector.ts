/**
 * An OTLP/HTTP trace receiver on loopback for tests: every POST is decoded with the OpenTelemetry
 * protocol's own definitions (the protobufjs code generated from opentelemetry-proto, shipped in
 * @opentelemetry/otlp-transformer 0.57, installed as otlp-transformer-0.57) and answered with an
 * empty ExportTraceServiceResponse, as a collector does.
 */
import http from 'node:http';
import type net from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const otlp = require('otlp-transformer-0.57/build/src/generated/root.js').opentelemetry.proto;
const ExportTraceServiceRequest = otlp.collector.trace.v1.ExportTraceServiceRequest;
const ExportTraceServiceResponse = otlp.collector.trace.v1.ExportTraceServiceResponse;
export const SPAN_KIND_INTERNAL = 1;
export const STATUS_CODE_ERROR = 2;

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  status: { code: number; message: string };
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
  scope: string;
}

export interface Collector {
  url: string;
  port: number;
  spans: DecodedSpan[];
  requests: { headers: http.IncomingHttpHeaders; path: string }[];
  close: () => Promise<void>;
}

/** Listens on 127.0.0.1 (`port` 0: any free one). */
export function startCollector(port = 0): Promise<Collector> {
  const spans: DecodedSpan[] = [];
  const requests: Collector['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, path: req.url ?? '' });
      const message = ExportTraceServiceRequest.decode(Buffer.concat(chunks));
      for (const rs of message.resourceSpans) {
        const resource = attributesOf(rs.resource?.attributes ?? []);
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              traceId: hexOf(s.traceId),
              spanId: hexOf(s.spanId),
              parentSpanId: hexOf(s.parentSpanId),
              name: s.name,
              kind: s.kind,
              startNs: BigInt(s.startTimeUnixNano.toString()),
              endNs: BigInt(s.endTimeUnixNano.toString()),
              status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
              attributes: attributesOf(s.attributes),
              resource,
              scope: ss.scope?.name ?? '',
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(ExportTraceServiceResponse.encode({}).finish());
    });
  });
  return new Promise((done) =>
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as net.AddressInfo).port;
      done({ url: `http://127.0.0.1:${bound}`, port: bound, spans, requests, close: () => new Promise<void>((r) => server.close(() => r())) });
    }),
  );
}

const hexOf = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');

function attributesOf(kvs: { key: string; value: any }[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  // `value` names the AnyValue oneof member that is set; int64 arrives as a Long.
  for (const { key, value } of kvs) out[key] = value.value === 'intValue' ? Number(value.intValue.toString()) : value[value.value];
  return out;
}

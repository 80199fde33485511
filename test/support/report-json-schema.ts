/** docs/report-json.md as a zod schema, field by field: tests validate real output against it. */
import * as z from 'zod/mini';

const count = z.int().check(z.gte(0));
const tokens = z.strictObject({ input: count, output: count, cache_write: count, cache_read: count, total: count });
const group = z.strictObject({
  key: z.string(),
  dispatches: count,
  completed: count,
  failed: count,
  killed: count,
  denied: count,
  running: count,
  success_rate: z.nullable(z.number().check(z.gte(0), z.lte(1))),
  duration_ms: z.strictObject({ p50: z.nullable(z.int()), p95: z.nullable(z.int()) }),
  tokens,
  reported_total_tokens: z.nullable(z.int()),
  reported_dispatches: count,
  cost_usd: z.number().check(z.gte(0)),
  unpriced_tokens: count,
});
const isoOrNull = z.nullable(z.iso.datetime());
export const reportSchema = z.strictObject({
  schema: z.literal('agent-warden.report/1'),
  generated_at: z.iso.datetime(),
  pricing_date: z.iso.date(),
  filters: z.strictObject({ since: isoOrNull, until: isoOrNull, project: z.nullable(z.string()), agent: z.nullable(z.string()), session: z.nullable(z.string()) }),
  group_by: z.enum(['agent', 'model', 'day', 'session', 'project']),
  sources: z.strictObject({ tokens: z.string(), reported_total_tokens: z.string(), cost_usd: z.string(), main_thread: z.string() }),
  groups: z.array(group),
  total: group,
  main_thread: z.nullable(z.strictObject({ messages: count, tokens, cost_usd: z.number().check(z.gte(0)), unpriced_tokens: count })),
  // Added by the CLI for a project scope (not by buildUsageReport itself).
  listing_by_source: z.optional(z.nullable(z.strictObject({ builtin: count, user: count, plugin: count, project: count }))),
});


// The one settings schema: each key's type, default and description live here and nowhere else.
// zod/mini keeps the hook bundle small (the classic API costs ~8-10 ms more per hook start).
import * as z from 'zod/mini';

const nonNegative = () => z.number().check(z.minimum(0));
const positive = () => z.number().check(z.positive());
const fraction = () => z.number().check(z.gt(0), z.lte(1));

export const budgetScopes = ['session', 'day', 'week', 'month'] as const;

export const budgetSchema = z
  .strictObject({
    id: z.optional(z.string().check(z.minLength(1))),
    scope: z.enum(budgetScopes),
    limit_tokens: z.optional(positive()),
    limit_usd: z.optional(positive()),
    agent_type: z.optional(z.string().check(z.minLength(1))),
    project: z.optional(z.boolean()),
    warn_at: z._default(fraction(), 0.8),
    on_exhausted: z._default(z.enum(['dispatches', 'all_tools']), 'dispatches'),
  })
  .check(
    z.refine((b) => b.limit_tokens !== undefined || b.limit_usd !== undefined, {
      message: 'a budget needs limit_tokens, limit_usd or both',
    }),
  );

const modelPriceSchema = z.strictObject({
  input: nonNegative(),
  output: nonNegative(),
  cache_write_5m: z.optional(nonNegative()),
  cache_write_1h: z.optional(nonNegative()),
  cache_read: z.optional(nonNegative()),
});

export const configSchema = z.strictObject({
  $schema: z.optional(z.string()),
  privacy: z._default(z.enum(['full', 'redacted', 'metadata']), 'redacted'),
  timezone: z.optional(z.string().check(z.minLength(1))),
  // Deny tool calls when agent-warden itself cannot check budgets and breakers (default: let them through).
  fail_closed: z._default(z.boolean(), false),
  budgets: z._default(z.array(budgetSchema), []),
  budget: z._default(
    z.strictObject({
      // Predicted cost of a dispatch whose agent type has no history yet (tokens).
      default_dispatch_tokens: z._default(nonNegative(), 0),
      // How many recent dispatches of a type feed the median prediction.
      prediction_window: z._default(positive(), 20),
    }),
    { default_dispatch_tokens: 0, prediction_window: 20 },
  ),
  breaker: z._default(
    z.strictObject({
      enabled: z._default(z.boolean(), true),
      max_consecutive_failures: z._default(positive(), 3),
      cooldown_minutes: z._default(positive(), 10),
      agent_max_consecutive_failures: z._default(positive(), 3),
      error_rate_failures: z._default(positive(), 8),
      error_rate_minutes: z._default(positive(), 5),
      exempt_tools: z._default(z.array(z.string()), []),
    }),
    {
      enabled: true,
      max_consecutive_failures: 3,
      cooldown_minutes: 10,
      agent_max_consecutive_failures: 3,
      error_rate_failures: 8,
      error_rate_minutes: 5,
      exempt_tools: [],
    },
  ),
  core: z._default(
    z.strictObject({
      auto: z._default(z.boolean(), false),
      max_agents: z._default(positive(), 25),
      max_tokens: z._default(positive(), 1000),
      pinned: z._default(z.array(z.string()), []),
      half_life_days: z._default(positive(), 14),
      grace_days: z._default(nonNegative(), 7),
      idle_minutes: z._default(positive(), 30),
    }),
    { auto: false, max_agents: 25, max_tokens: 1000, pinned: [], half_life_days: 14, grace_days: 7, idle_minutes: 30 },
  ),
  pricing: z._default(z.record(z.string(), modelPriceSchema), {}),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type Budget = z.output<typeof budgetSchema>;
export type ModelPrice = z.output<typeof modelPriceSchema>;

export const defaultConfig = (): Config => configSchema.parse({});

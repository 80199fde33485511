// The one settings schema: each key's type, default and description live here and nowhere else.
// zod/mini keeps the hook bundle small (the classic API costs ~8-10 ms more per hook start).
import * as z from 'zod/mini';

const nonNegative = () => z.number().check(z.minimum(0));
const positive = () => z.number().check(z.positive());
const fraction = () => z.number().check(z.gt(0), z.lte(1));

export const budgetScopes = ['session', 'day', 'week', 'month', 'dispatch', '5h', '7d'] as const;
export const budgetActions = ['deny', 'ask', 'downgrade'] as const;
/** Scopes that are also Claude's own subscription windows, where `limit_percent` applies. */
export const windowBudgetScopes = ['5h', '7d'] as const;
/** Scopes a team budget may have: windows every machine of the team shares. */
export const teamBudgetScopes = ['day', 'week', 'month', '5h', '7d'] as const;

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const isHttpUrl = (s: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

function build() {
  const budgetSchema = z
    .strictObject({
      id: z.optional(z.string().check(z.minLength(1), z.describe('A name for the budget (used by `budget override --budget`); default: scope[:agent_type][:project].'))),
      scope: z
        .enum(budgetScopes)
        .check(
          z.describe(
            'The window spend is counted over: one session; the calendar day, week (from Monday) or month in `timezone`; the rolling last 5 hours ("5h") or 7 days ("7d"); or each single dispatch on its own ("dispatch": its subagent is stopped once it has spent it).',
          ),
        ),
      limit_tokens: z.optional(positive().check(z.describe('Billed tokens (input, output, cache writes and reads) allowed per window.'))),
      limit_usd: z.optional(positive().check(z.describe('USD allowed per window; models without a known price count at an estimate (the newest model of their family), and messages say so.'))),
      limit_percent: z.optional(
        z.number().check(
          z.gt(0),
          z.lte(100),
          z.describe("Scopes 5h and 7d only: refuse new dispatches while Claude's own 5-hour or weekly window, as Claude Code last reported it, stands at or above this percent."),
        ),
      ),
      agent_type: z.optional(z.string().check(z.minLength(1), z.describe("Only this agent type's dispatches count and are stopped."))),
      project: z.optional(z.boolean().check(z.describe('true: count this project only; default: every project of the user.'))),
      model: z.optional(
        z.string().check(z.minLength(1), z.describe('Only spend on these models counts: a family or model-name prefix ("opus", "claude-opus-5") or a glob ("*opus*").')),
      ),
      action: z._default(
        z.enum(budgetActions).check(z.describe('What a dispatch that would overrun (or finds spent) the budget gets: "deny", "ask" the user with the estimate, or "downgrade" to `downgrade_to`.')),
        'deny',
      ),
      downgrade_to: z._default(z.string().check(z.minLength(1), z.describe('The model a downgraded dispatch runs on (action "downgrade"): an alias the Agent tool accepts (haiku, sonnet, opus in Claude Code 2.1.328).')), 'haiku'),
      warn_at: z._default(fraction().check(z.describe('Fraction of the limit at which the model is told, once per session.')), 0.8),
      team: z.optional(
        z.boolean().check(
          z.describe('true: count the spend of every machine of your team (the "team" setting of your config: PostgreSQL), not just this one. Scopes day, week, month, 5h and 7d.'),
        ),
      ),
      on_exhausted: z._default(
        z.enum(['dispatches', 'all_tools']).check(z.describe('What a spent budget stops: new dispatches only, or every tool call.')),
        'dispatches',
      ),
    })
    .check(
      z.refine((b) => b.limit_tokens !== undefined || b.limit_usd !== undefined || b.limit_percent !== undefined, {
        message: 'a budget needs limit_tokens, limit_usd or (scopes 5h and 7d) limit_percent',
      }),
      z.refine((b) => b.limit_percent === undefined || (windowBudgetScopes as readonly string[]).includes(b.scope), {
        message: 'limit_percent is for scope "5h" or "7d" (Claude\'s 5-hour and weekly windows)',
      }),
      z.refine((b) => !b.team || (teamBudgetScopes as readonly string[]).includes(b.scope), {
        message: 'a team budget ("team": true) needs scope "day", "week", "month", "5h" or "7d": sessions and dispatches belong to one machine',
      }),
      z.refine((b) => !b.team || b.limit_percent === undefined, {
        message: "limit_percent is Claude's window on this machine's subscription and cannot be a team budget",
      }),
    );

  const price = (what: string) => nonNegative().check(z.describe(`USD per million ${what}.`));
  const modelPriceSchema = z.strictObject({
    input: price('input tokens'),
    output: price('output tokens'),
    cache_write_5m: z.optional(price('tokens written to the 5-minute cache (default: 1.25x input)')),
    cache_write_1h: z.optional(price('tokens written to the 1-hour cache (default: 2x input)')),
    cache_read: z.optional(price('tokens read from the cache (default: 0.1x input)')),
  });

  // Sections default to `{}` run through their own schema (a prefault), so each default is written
  // once, on its key, and the section's default is whatever its keys' defaults make.
  const section = <S extends z.ZodMiniObject>(shape: S, description: string) => z.prefault(shape.check(z.describe(description)), {} as z.input<S>);

  const configSchema = z.strictObject({
    $schema: z.optional(z.string().check(z.describe('The JSON Schema this file follows, for editors; agent-warden ignores it.'))),
    privacy: z._default(
      z
        .enum(['full', 'redacted', 'metadata'])
        .check(z.describe('What the ledger keeps of prompts, messages and tool input: "full" (everything as sent), "redacted" (secrets masked) or "metadata" (no free text: ids, names, numbers and sizes only).')),
      'redacted',
    ),
    timezone: z.optional(
      z.string().check(
        z.minLength(1),
        z.refine(isTimeZone, { message: 'this system knows no time zone of that name' }),
        z.describe("IANA time zone that day, week and month budgets follow (default: the system's)."),
      ),
    ),
    fail_closed: z._default(z.boolean().check(z.describe('Deny tool calls when agent-warden cannot reach its ledger or check budgets (default false: let them through).')), false),
    budgets: z._default(z.array(budgetSchema).check(z.describe('Token and cost budgets, checked before every dispatch.')), []),
    // A project config may only lower the caps (lower is tighter).
    spawn: section(
      z.strictObject({
        max_per_session: z.optional(positive().check(z.describe('Subagents one session may start (denied dispatches do not count).'))),
        max_depth: z.optional(positive().check(z.describe('How deep dispatches may nest: 1 = only the main thread dispatches.'))),
        max_running: z.optional(positive().check(z.describe('Subagents of one session running at the same time.'))),
      }),
      'Caps on subagents per session (none by default).',
    ),
    budget: section(
      z.strictObject({
        default_dispatch_tokens: z._default(nonNegative().check(z.describe('Predicted billed tokens of a dispatch whose agent type has no completed dispatch yet.')), 0),
        prediction_window: z._default(positive().check(z.describe("How many of an agent type's most recent completed dispatches give the median prediction.")), 20),
      }),
      "How a dispatch's cost is predicted before it starts.",
    ),
    breaker: section(
      z.strictObject({
        enabled: z._default(z.boolean().check(z.describe('Turn the circuit breaker on or off.')), true),
        // 3: a retry or two is often a fix for flakiness; a third identical failure rarely is.
        max_consecutive_failures: z._default(
          positive().check(z.describe('Failures of the same call (tool and input) in one thread, with no other successful call between, that open its circuit: the next try is refused.')),
          3,
        ),
        cooldown_minutes: z._default(positive().check(z.describe('Minutes an open circuit waits before one trial retry; each failed trial doubles it (up to 24 hours).')), 10),
        agent_max_consecutive_failures: z._default(positive().check(z.describe('Failed or killed dispatches of one agent type in a row (per session) after which new ones are refused.')), 3),
        // 8 in 5 min is over 1.5 failures a minute sustained: a run-tests-fix loop fails about once a
        // minute or two, so this flags thrashing across *different* calls that no per-call circuit sees.
        error_rate_failures: z._default(positive().check(z.describe('More failed calls than this within error_rate_minutes warns the model, once per window.')), 8),
        error_rate_minutes: z._default(positive().check(z.describe('The window, in minutes, that error_rate_failures counts over.')), 5),
        exempt_tools: z._default(z.array(z.string()).check(z.describe('Tool names the breaker never counts or refuses (e.g. a test runner expected to fail often).')), []),
      }),
      'The circuit breaker: refuses a call that keeps failing the same way, and agent types that keep failing.',
    ),
    core: section(
      z.strictObject({
        auto: z._default(z.boolean().check(z.describe('Keep the core agent set current without asking: each session starts a watcher (`core watch`) that moves agent files as usage changes.')), false),
        max_agents: z._default(positive().check(z.describe('Most agents kept listed in .claude/agents (the core set).')), 25),
        max_tokens: z._default(positive().check(z.describe('Most tokens the core listing lines (what Claude Code sends in every request) may add up to, counted with cl100k.')), 1000),
        pinned: z._default(z.array(z.string()).check(z.describe('Agents always kept in the core set, whatever their use.')), []),
        half_life_days: z._default(positive().check(z.describe("Days after which a dispatch counts half in an agent's usage ranking (curation and `find`).")), 14),
        grace_days: z._default(nonNegative().check(z.describe('Days an agent added to the project stays in the core set before its usage decides.')), 7),
        idle_minutes: z._default(positive().check(z.describe('Minutes without changes after which `core watch` exits.')), 30),
      }),
      'Curation of the core agent set: which agents stay listed in .claude/agents and which move to .claude/agents-extended.',
    ),
    pricing: z._default(
      z.record(z.string(), modelPriceSchema).check(z.describe('Prices per model name (USD per million tokens), added to or overriding the built-in table.')),
      {},
    ),
    team: z.optional(
      z
        .strictObject({
          url: z.string().check(
            z.regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL connection URL, postgres://user:password@host:5432/database'),
            z.describe('Your config only: the team\'s PostgreSQL, postgres://user:password@host:5432/database (libpq URL options such as ?sslmode=require apply).'),
          ),
          name: z.string().check(z.minLength(1), z.maxLength(200), z.describe('The team: every machine configured with this name and server shares its "team": true budgets.')),
          member: z.optional(z.string().check(z.minLength(1), z.maxLength(200), z.describe('How this machine\'s spend is named in `report --team` (default: user@host).'))),
          refresh_seconds: z._default(
            z.number().check(z.gte(1), z.lte(300), z.describe('How often the resident server pushes this machine\'s usage and fetches the team\'s spend.')),
            5,
          ),
          max_staleness_seconds: z._default(
            z.number().check(z.gte(2), z.lte(3600), z.describe("A team figure older than this is not used: budgets count this machine's spend alone (or deny, see when_unreachable) until a fresh one arrives.")),
            10,
          ),
          when_unreachable: z._default(
            z.enum(['local', 'deny']).check(z.describe('With no fresh team figure: "local" counts this machine\'s spend alone and tells the model once (fail open); "deny" refuses dispatches under team budgets.')),
            'local',
          ),
        })
        .check(z.describe('Your config only: share "team": true budgets with other machines through a PostgreSQL server (see README, Team budgets).')),
    ),
    telemetry: z.optional(
      z
        .strictObject({
          otlp: z.optional(
            z
              .strictObject({
                endpoint: z.optional(
                  z
                    .string()
                    .check(
                      z.refine(isHttpUrl, { message: 'an OTLP endpoint is an http:// or https:// URL' }),
                      z.describe('OTLP/HTTP base URL of your collector, e.g. "http://127.0.0.1:4318"; spans go to <endpoint>/v1/traces. Default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT.'),
                    ),
                ),
                headers: z.optional(
                  z.record(z.string(), z.string()).check(z.describe('HTTP headers sent with every export (e.g. an API key), added to OTEL_EXPORTER_OTLP_HEADERS.')),
                ),
                timeout_ms: z.optional(
                  positive().check(z.describe('How long one export request may take before it is given up (its spans wait for the next export). Default: OTEL_EXPORTER_OTLP_TIMEOUT, else 10000.')),
                ),
                auto: z._default(
                  z.boolean().check(z.describe("Export a session's spans in the background when it ends (true), or only when you run `agent-warden otel export` (false).")),
                  true,
                ),
              })
              .check(z.describe("OpenTelemetry trace export over OTLP/HTTP (protobuf): one span per session and per dispatch, nested as they ran. Present (even {}) turns it on.")),
          ),
        })
        .check(z.describe('Your config only (a project may not send your data elsewhere): where agent-warden exports telemetry.')),
    ),
    trusted_projects: z.optional(
      z.array(z.string().check(z.minLength(1))).check(
        z.describe("Your config only: project folders whose .claude/agent-warden.json may loosen your settings (set with `agent-warden trust`). Other projects' configs may only tighten."),
      ),
    ),
  });

  return { budgetSchema, modelPriceSchema, configSchema };
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;

/** The schemas, built on first use: a hook that finds no config file never pays for building them. */
export const schemas = (): Schemas => (built ??= build());

export type Config = z.output<Schemas['configSchema']>;
export type ConfigInput = z.input<Schemas['configSchema']>;
export type Budget = z.output<Schemas['budgetSchema']>;
export type SpawnCaps = Config['spawn'];
export type ModelPrice = z.output<Schemas['modelPriceSchema']>;

/** A budget with a token or USD limit (a window budget has only limit_percent). */
export const isMetered = (b: Budget): boolean => b.limit_tokens !== undefined || b.limit_usd !== undefined;

// The defaults, computed from the schema at build time (scripts/build.mjs defines this); from
// source, at first use. A process that reads no config file never builds the schemas.
declare const __DEFAULT_CONFIG__: Config | undefined;

export const defaultConfig = (): Config =>
  typeof __DEFAULT_CONFIG__ === 'object' && __DEFAULT_CONFIG__ ? structuredClone(__DEFAULT_CONFIG__) : schemas().configSchema.parse({});

import * as z from 'zod/mini';
export declare const budgetScopes: readonly ["session", "day", "week", "month", "dispatch", "5h", "7d"];
export declare const budgetActions: readonly ["deny", "ask", "downgrade"];
/** Scopes that are also Claude's own subscription windows, where `limit_percent` applies. */
export declare const windowBudgetScopes: readonly ["5h", "7d"];
/** Scopes a team budget may have: windows every machine of the team shares. */
export declare const teamBudgetScopes: readonly ["day", "week", "month", "5h", "7d"];
declare function build(): {
    budgetSchema: z.ZodMiniObject<{
        id: z.ZodMiniOptional<z.ZodMiniString<string>>;
        scope: z.ZodMiniEnum<{
            session: "session";
            day: "day";
            week: "week";
            month: "month";
            dispatch: "dispatch";
            "5h": "5h";
            "7d": "7d";
        }>;
        limit_tokens: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
        limit_usd: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
        limit_percent: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
        agent_type: z.ZodMiniOptional<z.ZodMiniString<string>>;
        project: z.ZodMiniOptional<z.ZodMiniBoolean<boolean>>;
        model: z.ZodMiniOptional<z.ZodMiniString<string>>;
        action: z.ZodMiniDefault<z.ZodMiniEnum<{
            deny: "deny";
            ask: "ask";
            downgrade: "downgrade";
        }>>;
        downgrade_to: z.ZodMiniDefault<z.ZodMiniString<string>>;
        warn_at: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
        team: z.ZodMiniOptional<z.ZodMiniBoolean<boolean>>;
        on_exhausted: z.ZodMiniDefault<z.ZodMiniEnum<{
            dispatches: "dispatches";
            all_tools: "all_tools";
        }>>;
    }, z.z.core.$strict>;
    modelPriceSchema: z.ZodMiniObject<{
        input: z.ZodMiniNumber<number>;
        output: z.ZodMiniNumber<number>;
        cache_write_5m: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
        cache_write_1h: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
        cache_read: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
    }, z.z.core.$strict>;
    configSchema: z.ZodMiniObject<{
        $schema: z.ZodMiniOptional<z.ZodMiniString<string>>;
        privacy: z.ZodMiniDefault<z.ZodMiniEnum<{
            full: "full";
            redacted: "redacted";
            metadata: "metadata";
        }>>;
        timezone: z.ZodMiniOptional<z.ZodMiniString<string>>;
        fail_closed: z.ZodMiniDefault<z.ZodMiniBoolean<boolean>>;
        budgets: z.ZodMiniDefault<z.ZodMiniArray<z.ZodMiniObject<{
            id: z.ZodMiniOptional<z.ZodMiniString<string>>;
            scope: z.ZodMiniEnum<{
                session: "session";
                day: "day";
                week: "week";
                month: "month";
                dispatch: "dispatch";
                "5h": "5h";
                "7d": "7d";
            }>;
            limit_tokens: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
            limit_usd: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
            limit_percent: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
            agent_type: z.ZodMiniOptional<z.ZodMiniString<string>>;
            project: z.ZodMiniOptional<z.ZodMiniBoolean<boolean>>;
            model: z.ZodMiniOptional<z.ZodMiniString<string>>;
            action: z.ZodMiniDefault<z.ZodMiniEnum<{
                deny: "deny";
                ask: "ask";
                downgrade: "downgrade";
            }>>;
            downgrade_to: z.ZodMiniDefault<z.ZodMiniString<string>>;
            warn_at: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            team: z.ZodMiniOptional<z.ZodMiniBoolean<boolean>>;
            on_exhausted: z.ZodMiniDefault<z.ZodMiniEnum<{
                dispatches: "dispatches";
                all_tools: "all_tools";
            }>>;
        }, z.z.core.$strict>>>;
        spawn: z.ZodMiniPrefault<z.ZodMiniObject<{
            max_per_session: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
            max_depth: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
            max_running: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
        }, z.z.core.$strict>>;
        budget: z.ZodMiniPrefault<z.ZodMiniObject<{
            default_dispatch_tokens: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            prediction_window: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
        }, z.z.core.$strict>>;
        breaker: z.ZodMiniPrefault<z.ZodMiniObject<{
            enabled: z.ZodMiniDefault<z.ZodMiniBoolean<boolean>>;
            max_consecutive_failures: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            cooldown_minutes: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            agent_max_consecutive_failures: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            error_rate_failures: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            error_rate_minutes: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            exempt_tools: z.ZodMiniDefault<z.ZodMiniArray<z.ZodMiniString<string>>>;
        }, z.z.core.$strict>>;
        core: z.ZodMiniPrefault<z.ZodMiniObject<{
            auto: z.ZodMiniDefault<z.ZodMiniBoolean<boolean>>;
            max_agents: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            max_tokens: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            pinned: z.ZodMiniDefault<z.ZodMiniArray<z.ZodMiniString<string>>>;
            half_life_days: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            grace_days: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            idle_minutes: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
        }, z.z.core.$strict>>;
        pricing: z.ZodMiniDefault<z.ZodMiniRecord<z.ZodMiniString<string>, z.ZodMiniObject<{
            input: z.ZodMiniNumber<number>;
            output: z.ZodMiniNumber<number>;
            cache_write_5m: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
            cache_write_1h: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
            cache_read: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
        }, z.z.core.$strict>>>;
        team: z.ZodMiniOptional<z.ZodMiniObject<{
            url: z.ZodMiniString<string>;
            name: z.ZodMiniString<string>;
            member: z.ZodMiniOptional<z.ZodMiniString<string>>;
            refresh_seconds: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            max_staleness_seconds: z.ZodMiniDefault<z.ZodMiniNumber<number>>;
            when_unreachable: z.ZodMiniDefault<z.ZodMiniEnum<{
                deny: "deny";
                local: "local";
            }>>;
        }, z.z.core.$strict>>;
        telemetry: z.ZodMiniOptional<z.ZodMiniObject<{
            otlp: z.ZodMiniOptional<z.ZodMiniObject<{
                endpoint: z.ZodMiniOptional<z.ZodMiniString<string>>;
                headers: z.ZodMiniOptional<z.ZodMiniRecord<z.ZodMiniString<string>, z.ZodMiniString<string>>>;
                timeout_ms: z.ZodMiniOptional<z.ZodMiniNumber<number>>;
                auto: z.ZodMiniDefault<z.ZodMiniBoolean<boolean>>;
            }, z.z.core.$strict>>;
        }, z.z.core.$strict>>;
        trusted_projects: z.ZodMiniOptional<z.ZodMiniArray<z.ZodMiniString<string>>>;
    }, z.z.core.$strict>;
};
type Schemas = ReturnType<typeof build>;
/** The schemas, built on first use: a hook that finds no config file never pays for building them. */
export declare const schemas: () => Schemas;
export type Config = z.output<Schemas['configSchema']>;
export type ConfigInput = z.input<Schemas['configSchema']>;
export type Budget = z.output<Schemas['budgetSchema']>;
export type SpawnCaps = Config['spawn'];
export type ModelPrice = z.output<Schemas['modelPriceSchema']>;
/** A budget with a token or USD limit (a window budget has only limit_percent). */
export declare const isMetered: (b: Budget) => boolean;
export declare const defaultConfig: () => Config;
export {};

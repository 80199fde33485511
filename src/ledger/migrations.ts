// Append-only, numbered migrations. Never edit one that has shipped: add the next number.
// Each opens with why it exists.
export interface Migration {
  version: number;
  why: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    why: 'The event log every projection is rebuilt from, and the first projections.',
    sql: `
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        received_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        session_id TEXT,
        project TEXT,
        agent_id TEXT,
        tool_name TEXT,
        tool_use_id TEXT,
        source TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_session ON events(session_id, seq);
      CREATE INDEX events_kind ON events(kind, seq);

      CREATE TABLE sessions (
        session_id TEXT PRIMARY KEY,
        project TEXT,
        cwd TEXT,
        transcript_path TEXT,
        started_at INTEGER,
        ended_at INTEGER,
        end_reason TEXT,
        last_event_at INTEGER,
        events INTEGER NOT NULL DEFAULT 0,
        transcript_offset INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX sessions_project ON sessions(project, started_at);

      CREATE TABLE usage (
        session_id TEXT NOT NULL,
        agent_id TEXT NOT NULL DEFAULT '',
        message_id TEXT NOT NULL,
        project TEXT,
        agent_type TEXT,
        ts INTEGER,
        model TEXT,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
        cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens INTEGER NOT NULL DEFAULT 0,
        total_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL,
        PRIMARY KEY (session_id, agent_id, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX usage_ts ON usage(ts);
      CREATE INDEX usage_type ON usage(agent_type, ts);

      CREATE TABLE tool_calls (
        session_id TEXT NOT NULL,
        tool_use_id TEXT NOT NULL,
        project TEXT,
        agent_id TEXT NOT NULL DEFAULT '',
        tool_name TEXT,
        call_key TEXT,
        summary TEXT,
        seq INTEGER,
        started_at INTEGER,
        ended_at INTEGER,
        status TEXT NOT NULL DEFAULT 'started',
        error TEXT,
        duration_ms INTEGER,
        PRIMARY KEY (session_id, tool_use_id)
      );
      CREATE INDEX tool_calls_thread ON tool_calls(session_id, agent_id, seq);

      CREATE TABLE dispatches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        tool_use_id TEXT NOT NULL,
        project TEXT,
        agent_id TEXT,
        parent_agent_id TEXT,
        agent_type TEXT,
        requested_type TEXT,
        via_proxy INTEGER NOT NULL DEFAULT 0,
        description TEXT,
        prompt TEXT,
        model TEXT,
        background INTEGER,
        started_at INTEGER,
        ended_at INTEGER,
        duration_ms INTEGER,
        completed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        killed INTEGER NOT NULL DEFAULT 0,
        denied INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'running',
        error TEXT,
        final_message TEXT,
        tool_use_count INTEGER,
        reported_total_tokens INTEGER,
        prompt_tokens INTEGER,
        prompt_tokens_exact INTEGER NOT NULL DEFAULT 0,
        context_files TEXT,
        reserved_tokens INTEGER NOT NULL DEFAULT 0,
        UNIQUE (session_id, tool_use_id)
      );
      CREATE INDEX dispatches_started ON dispatches(started_at);
      CREATE INDEX dispatches_type ON dispatches(agent_type, started_at);
      CREATE INDEX dispatches_agent ON dispatches(session_id, agent_id);

      CREATE TABLE agent_runs (
        session_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        project TEXT,
        agent_type TEXT,
        tool_use_id TEXT,
        parent_agent_id TEXT,
        transcript_path TEXT,
        transcript_bytes INTEGER NOT NULL DEFAULT 0,
        started_at INTEGER,
        ended_at INTEGER,
        stopped INTEGER NOT NULL DEFAULT 0,
        last_message TEXT,
        files_written TEXT,
        model TEXT,
        tool_use_count INTEGER,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens INTEGER NOT NULL DEFAULT 0,
        total_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL,
        unpriced_tokens INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, agent_id)
      );
      CREATE INDEX agent_runs_tool_use ON agent_runs(session_id, tool_use_id);

      CREATE TABLE circuits (
        session_id TEXT NOT NULL,
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        label TEXT,
        state TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        opened_at INTEGER,
        cooldown_ms INTEGER,
        last_error TEXT,
        trial_tool_use_id TEXT,
        updated_at INTEGER,
        PRIMARY KEY (session_id, key)
      );

      CREATE TABLE budget_notices (
        budget_key TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        threshold REAL NOT NULL,
        session_id TEXT NOT NULL,
        sent_at INTEGER,
        PRIMARY KEY (budget_key, window_start, threshold, session_id)
      );

      CREATE TABLE budget_overrides (
        seq INTEGER PRIMARY KEY,
        session_id TEXT,
        budget_id TEXT,
        add_tokens INTEGER NOT NULL DEFAULT 0,
        add_usd REAL NOT NULL DEFAULT 0,
        created_at INTEGER,
        note TEXT
      );
    `,
  },
  {
    version: 2,
    why: "The breaker counts a session's recent failures at every PreToolUse; without this index that scans every call of the session.",
    sql: `CREATE INDEX tool_calls_failed ON tool_calls(session_id, ended_at) WHERE status = 'failed';`,
  },
  {
    version: 3,
    why: 'Budgets sum a day, week or month of usage and the reservations of running dispatches at every PreToolUse; a covering index reads the month without touching the table (measured 263 ms -> 8 ms over 150k rows).',
    sql: `
      CREATE INDEX usage_window ON usage(ts, total_tokens, cost_usd, project, agent_type);
      CREATE INDEX dispatches_running ON dispatches(started_at) WHERE status = 'running';
    `,
  },
  {
    version: 4,
    why: 'Reports first catch up with transcripts of recent sessions and subagent runs; without these indexes that scans every run ever recorded (measured 223 ms over 90k runs).',
    sql: `
      CREATE INDEX agent_runs_ended ON agent_runs(ended_at) WHERE stopped = 1;
      CREATE INDEX sessions_recent ON sessions(last_event_at);
    `,
  },
  {
    version: 5,
    why: "Tool calls are also read from the main transcript at each turn's end (calls a hook never saw); this is that reader's own offset.",
    sql: `ALTER TABLE sessions ADD COLUMN calls_offset INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 6,
    why: 'Sessions read from Claude Code history by `agent-warden import` are told apart from those hooks recorded live.',
    sql: `ALTER TABLE sessions ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 7,
    why: "Costs you can trust: each usage row says how it was priced (config, table, learned, estimated, or Claude Code's own cost-state); cost-states and the rates learned from them are projections; the budget index covers the new column.",
    sql: `
      ALTER TABLE usage ADD COLUMN price_source TEXT;
      DROP INDEX usage_window;
      CREATE INDEX usage_window ON usage(ts, total_tokens, cost_usd, price_source, project, agent_type);
      CREATE TABLE cost_states (
        session_id TEXT NOT NULL,
        model TEXT NOT NULL,
        project TEXT,
        ts INTEGER,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
        cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL,
        session_total_usd REAL,
        PRIMARY KEY (session_id, model)
      ) WITHOUT ROWID;
      CREATE INDEX cost_states_model ON cost_states(model);
      CREATE TABLE learned_rates (
        model TEXT PRIMARY KEY,
        input REAL NOT NULL,
        output REAL NOT NULL,
        cache_write_5m REAL NOT NULL,
        cache_write_1h REAL NOT NULL,
        cache_read REAL NOT NULL,
        basis TEXT,
        sessions INTEGER NOT NULL,
        learned_at INTEGER
      );
      CREATE TABLE pricing_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE INDEX usage_model ON usage(model, session_id);
    `,
  },
  {
    version: 8,
    why: "Governance (issue 18): a running subagent's transcript is read live (its own offset) so a dispatch budget can stop it; spawn caps need each run's depth; `dispatches` shows why a dispatch was denied, asked or downgraded.",
    sql: `
      ALTER TABLE agent_runs ADD COLUMN live_offset INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE agent_runs ADD COLUMN spawn_depth INTEGER;
      ALTER TABLE dispatches ADD COLUMN governance TEXT;
      ALTER TABLE dispatches ADD COLUMN governance_reason TEXT;
      CREATE INDEX dispatches_parent ON dispatches(session_id, parent_agent_id);
      CREATE TABLE spawn_overrides (
        seq INTEGER PRIMARY KEY,
        session_id TEXT,
        cap TEXT NOT NULL,
        add_n INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER,
        note TEXT
      );
    `,
  },
  {
    version: 9,
    why: "Claude Code's subscription windows (5-hour, weekly) as its status line reports them, one row per window per recorded snapshot, and the per-session lifts of window budgets.",
    sql: `
      CREATE TABLE rate_limit_windows (
        seq INTEGER NOT NULL,
        window TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        used_percentage REAL NOT NULL,
        resets_at INTEGER NOT NULL,
        session_id TEXT,
        project TEXT,
        PRIMARY KEY (seq, window)
      );
      CREATE INDEX rate_limit_windows_latest ON rate_limit_windows(window, resets_at, used_percentage);
      CREATE INDEX rate_limit_windows_seen ON rate_limit_windows(seen_at);
      CREATE TABLE window_lifts (
        seq INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        window TEXT NOT NULL,
        lifted_at INTEGER NOT NULL,
        note TEXT
      );
    `,
  },
  {
    version: 10,
    why: "Budget windows pre-summed (issue 20): a month check summed every usage row of the month at each PreToolUse (15-30 ms on large ledgers). usage_buckets holds per-hour and per-UTC-day sums by project, agent type and model, kept by triggers on usage so every write path (insert, merge, reprice, rebuild) keeps it exact; USD in integer nano-dollars so sums do not drift with the order of updates.",
    sql: `
      CREATE TABLE usage_buckets (
        grain INTEGER NOT NULL,
        start INTEGER NOT NULL,
        project TEXT NOT NULL,
        agent_type TEXT NOT NULL,
        model TEXT NOT NULL,
        tokens INTEGER NOT NULL DEFAULT 0,
        nano_usd INTEGER NOT NULL DEFAULT 0,
        unpriced_tokens INTEGER NOT NULL DEFAULT 0,
        estimated_tokens INTEGER NOT NULL DEFAULT 0,
        messages INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (grain, start, project, agent_type, model)
      ) WITHOUT ROWID;
${bucketSql('hour', 3_600_000)}
${bucketSql('day', 86_400_000)}
    `,
  },
  {
    version: 11,
    why: 'OpenTelemetry export (issue 23): which spans went to the OTLP endpoint, so `otel export` sends each once (a claim while sending, then the time it was sent), and the last attempt and error for `doctor`. Bookkeeping, not a projection: `ledger rebuild` keeps it.',
    sql: `
      CREATE TABLE otel_spans (
        span_id TEXT PRIMARY KEY,
        trace_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        tool_use_id TEXT,
        state TEXT NOT NULL,
        claimed_at INTEGER NOT NULL,
        exported_at INTEGER
      );
      CREATE INDEX otel_spans_session ON otel_spans(session_id);
      CREATE TABLE otel_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 12,
    why: "Team budgets (issue 23): once this ledger has joined a team (team_state holds its machine id), every billed usage row gets an outbox row (by its natural key, so a rebuild re-dirties it instead of adding a new one) that the resident server pushes to the team's PostgreSQL; team_totals caches the other machines' spend it pulls, for PreToolUse to read without the network; team_state holds this ledger's machine id and the last sync's outcome.",
    sql: `
      CREATE TABLE team_outbox (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        dirty INTEGER NOT NULL DEFAULT 1,
        UNIQUE (session_id, agent_id, message_id)
      );
      CREATE INDEX team_outbox_dirty ON team_outbox(id) WHERE dirty = 1;
      CREATE TABLE team_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TRIGGER team_outbox_usage_insert AFTER INSERT ON usage WHEN EXISTS (SELECT 1 FROM team_state WHERE key = 'machine_id') BEGIN
        INSERT INTO team_outbox (session_id, agent_id, message_id) VALUES (new.session_id, new.agent_id, new.message_id)
          ON CONFLICT (session_id, agent_id, message_id) DO UPDATE SET dirty = 1 WHERE dirty = 0;
      END;
      CREATE TRIGGER team_outbox_usage_update AFTER UPDATE OF total_tokens, cost_usd, agent_type, model, ts ON usage
      WHEN (old.total_tokens IS NOT new.total_tokens OR old.cost_usd IS NOT new.cost_usd OR old.agent_type IS NOT new.agent_type OR old.model IS NOT new.model OR old.ts IS NOT new.ts)
        AND EXISTS (SELECT 1 FROM team_state WHERE key = 'machine_id')
      BEGIN
        UPDATE team_outbox SET dirty = 1 WHERE session_id = new.session_id AND agent_id = new.agent_id AND message_id = new.message_id AND dirty = 0;
      END;
      CREATE TABLE team_totals (
        sig TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        tokens INTEGER NOT NULL,
        usd REAL NOT NULL,
        unpriced_tokens INTEGER NOT NULL,
        machines INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 13,
    why: "Every PreToolUse marks its thread's earlier calls still open as succeeded (and Stop and SubagentStop the rest); through tool_calls_thread that reads every earlier call of the thread, so a call cost grew with the session (0.06 ms at 1,000 calls, 0.74 ms at 10,000). Only open calls are in this index: the same update reads one or two rows at any length (issue 20).",
    sql: `CREATE INDEX tool_calls_open ON tool_calls(session_id, agent_id, seq) WHERE status = 'started';`,
  },
];

export const latestVersion = migrations[migrations.length - 1]!.version;

/**
 * Triggers keeping one grain of usage_buckets equal to the sums over usage (rows without a ts are
 * in no window), and the fill from rows already there. Only here so the migration text stays short;
 * the SQL it returns is fixed (never change it: migrations that shipped are frozen).
 */
function bucketSql(name: string, grain: number): string {
  const key = (r: 'NEW' | 'OLD') =>
    `${grain}, (CAST(${r}.ts AS INTEGER) / ${grain}) * ${grain}, coalesce(${r}.project, ''), coalesce(${r}.agent_type, ''), lower(coalesce(${r}.model, ''))`;
  const sums = (r: 'NEW' | 'OLD') =>
    `${r}.total_tokens, CAST(round(coalesce(${r}.cost_usd, 0) * 1e9) AS INTEGER), CASE WHEN ${r}.cost_usd IS NULL THEN ${r}.total_tokens ELSE 0 END, CASE WHEN ${r}.price_source = 'estimated' THEN ${r}.total_tokens ELSE 0 END`;
  const add = `INSERT INTO usage_buckets (grain, start, project, agent_type, model, tokens, nano_usd, unpriced_tokens, estimated_tokens, messages)
          VALUES (${key('NEW')}, ${sums('NEW')}, 1)
          ON CONFLICT DO UPDATE SET tokens = tokens + excluded.tokens, nano_usd = nano_usd + excluded.nano_usd,
            unpriced_tokens = unpriced_tokens + excluded.unpriced_tokens, estimated_tokens = estimated_tokens + excluded.estimated_tokens, messages = messages + 1;`;
  const match = `grain = ${grain} AND start = (CAST(OLD.ts AS INTEGER) / ${grain}) * ${grain} AND project = coalesce(OLD.project, '') AND agent_type = coalesce(OLD.agent_type, '') AND model = lower(coalesce(OLD.model, ''))`;
  const subtract = `UPDATE usage_buckets SET tokens = tokens - OLD.total_tokens, nano_usd = nano_usd - CAST(round(coalesce(OLD.cost_usd, 0) * 1e9) AS INTEGER),
            unpriced_tokens = unpriced_tokens - (CASE WHEN OLD.cost_usd IS NULL THEN OLD.total_tokens ELSE 0 END),
            estimated_tokens = estimated_tokens - (CASE WHEN OLD.price_source = 'estimated' THEN OLD.total_tokens ELSE 0 END), messages = messages - 1
          WHERE ${match};
          DELETE FROM usage_buckets WHERE ${match} AND messages <= 0;`;
  const changed = ['ts', 'project', 'agent_type', 'model', 'total_tokens', 'cost_usd', 'price_source'].map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
  return `
      CREATE TRIGGER usage_${name}_insert AFTER INSERT ON usage WHEN NEW.ts IS NOT NULL BEGIN
          ${add}
      END;
      CREATE TRIGGER usage_${name}_update AFTER UPDATE ON usage WHEN ${changed} BEGIN
          ${subtract.replace(/WHERE grain/g, 'WHERE OLD.ts IS NOT NULL AND grain')}
          INSERT INTO usage_buckets (grain, start, project, agent_type, model, tokens, nano_usd, unpriced_tokens, estimated_tokens, messages)
          SELECT ${key('NEW')}, ${sums('NEW')}, 1 WHERE NEW.ts IS NOT NULL
          ON CONFLICT DO UPDATE SET tokens = tokens + excluded.tokens, nano_usd = nano_usd + excluded.nano_usd,
            unpriced_tokens = unpriced_tokens + excluded.unpriced_tokens, estimated_tokens = estimated_tokens + excluded.estimated_tokens, messages = messages + 1;
      END;
      CREATE TRIGGER usage_${name}_delete AFTER DELETE ON usage WHEN OLD.ts IS NOT NULL BEGIN
          ${subtract}
      END;
      INSERT INTO usage_buckets (grain, start, project, agent_type, model, tokens, nano_usd, unpriced_tokens, estimated_tokens, messages)
        SELECT ${grain}, (CAST(ts AS INTEGER) / ${grain}) * ${grain}, coalesce(project, ''), coalesce(agent_type, ''), lower(coalesce(model, '')),
          sum(total_tokens), sum(CAST(round(coalesce(cost_usd, 0) * 1e9) AS INTEGER)), sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END),
          sum(CASE WHEN price_source = 'estimated' THEN total_tokens ELSE 0 END), count(*)
        FROM usage WHERE ts IS NOT NULL GROUP BY 1, 2, 3, 4, 5;`;
}

// One sync with the team's PostgreSQL: push this machine's outbox, then fetch, for each team budget
// that applies here, the other machines' spend in its current window into team_totals (which
// PreToolUse reads). Run every team.refresh_seconds by the resident MCP server (./background.ts)
// and by `agent-warden team sync`. Its outcome is kept in team_state for `team status`, doctor and
// the hook's fallback notice.
import { hostname, userInfo } from 'node:os';
import { isMetered, type Budget, type Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { modelGlobs } from '../core/budget/spend';
import { timeZoneOf } from '../core/budget/meter';
import { windowOf } from '../core/budget/window';
import { teamSignature } from '../core/budget/team-figure';
import { machineId, markPushed, pendingCount, takeBatch, writeTeamState, type OutboxRow } from './outbox';
import { connectTeamDb, pgErrorText, type TeamDb } from './pg-client';
import { migrateServer } from './server-schema';

export type TeamConfig = NonNullable<Config['team']>;

export interface SyncOutcome {
  ok: boolean;
  pushed: number;
  pending: number;
  figures: number;
  error?: string;
}

const BATCH = 500;
/** Rows one sync pushes at most, so a first sync of a long history cannot hold up the next fetch for long. */
const MAX_PER_SYNC = 20_000;

export const memberName = (team: TeamConfig): string => team.member ?? `${safeUser()}@${hostname()}`;

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** A budget's `model` filter (a GLOB, see modelGlobs) as a PostgreSQL regular expression. */
export function globToRegex(glob: string): string {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^\^/, '\\^').replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  }
  return `${out}$`;
}

export const teamBudgets = (config: Config): Budget[] => config.budgets.filter((b) => b.team && isMetered(b));

/** Keeps one connection between syncs (the resident server's); `close()` ends it. */
export class TeamSync {
  private conn: TeamDb | undefined;
  private connUrl: string | undefined;

  async run(db: Ledger, config: Config, project: string): Promise<SyncOutcome> {
    const team = config.team;
    if (!team) return { ok: false, pushed: 0, pending: 0, figures: 0, error: 'no "team" in your config' };
    let pushed = 0;
    try {
      // Joining the team arms the outbox before the network is tried: rows wait even while the server is away.
      const machine = machineId(db);
      const pg = await this.connection(team.url);
      await pg.query(
        `INSERT INTO agent_warden_members (team, machine_id, member) VALUES ($1, $2, $3)
         ON CONFLICT (team, machine_id) DO UPDATE SET member = excluded.member`,
        [team.name, machine, memberName(team)],
      );
      pushed = await push(db, pg, team.name, machine);
      const figures = await fetchFigures(db, pg, config, team.name, machine, project);
      writeTeamState(db, { last_ok_at: String(Date.now()), last_error: null, last_error_at: null });
      return { ok: true, pushed, pending: pendingCount(db), figures };
    } catch (err) {
      const error = pgErrorText(err, team.url);
      await this.close();
      try {
        writeTeamState(db, { last_error: error, last_error_at: String(Date.now()) });
      } catch {
        // a read-only or busy ledger: the next sync records it
      }
      return { ok: false, pushed, pending: safePending(db), figures: 0, error };
    }
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    this.connUrl = undefined;
    await c?.end();
  }

  private async connection(url: string): Promise<TeamDb> {
    if (this.conn?.usable && this.connUrl === url) return this.conn;
    await this.close();
    const conn = await connectTeamDb(url);
    try {
      await migrateServer(conn);
    } catch (err) {
      await conn.end();
      throw err;
    }
    this.conn = conn;
    this.connUrl = url;
    return conn;
  }
}

function safePending(db: Ledger): number {
  try {
    return pendingCount(db);
  } catch {
    return 0;
  }
}

/** Pushes dirty outbox rows in batches; each batch is one upsert, marked pushed only after it committed. */
async function push(db: Ledger, pg: TeamDb, team: string, machine: string): Promise<number> {
  let pushed = 0;
  while (pushed < MAX_PER_SYNC) {
    const { seq, rows } = takeBatch(db, BATCH);
    if (!rows.length) break;
    await upsertRows(pg, team, machine, seq, rows);
    markPushed(db, rows);
    pushed += rows.length;
    if (rows.length < BATCH) break;
  }
  if (pushed) await pg.query('UPDATE agent_warden_members SET last_push_at = now() WHERE team = $1 AND machine_id = $2', [team, machine]);
  return pushed;
}

async function upsertRows(pg: TeamDb, team: string, machine: string, seq: number, rows: OutboxRow[]): Promise<void> {
  const col = <K extends keyof OutboxRow>(k: K) => rows.map((r) => r[k]);
  await pg.query(
    `INSERT INTO agent_warden_usage (team, machine_id, push_seq, outbox_id, session_id, agent_id, message_id, agent_type, model, project, ts, total_tokens, cost_usd)
     SELECT $1, $2, $3, * FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::float8[])
     ON CONFLICT (team, machine_id, outbox_id) DO UPDATE SET
       push_seq = excluded.push_seq, session_id = excluded.session_id, agent_id = excluded.agent_id, message_id = excluded.message_id,
       agent_type = excluded.agent_type, model = excluded.model, project = excluded.project, ts = excluded.ts,
       total_tokens = excluded.total_tokens, cost_usd = excluded.cost_usd, pushed_at = now()
     WHERE agent_warden_usage.push_seq < excluded.push_seq`,
    [
      team,
      machine,
      seq,
      col('id'),
      col('session_id'),
      col('agent_id'),
      col('message_id'),
      col('agent_type'),
      col('model'),
      col('project'),
      col('ts'),
      col('total_tokens'),
      col('cost_usd'),
    ],
  );
}

/** The other machines' spend for each team budget that applies in this project, in its current window. */
async function fetchFigures(db: Ledger, pg: TeamDb, config: Config, team: string, machine: string, project: string): Promise<number> {
  const budgets = teamBudgets(config);
  const tz = timeZoneOf(config);
  const seen = new Set<string>();
  let n = 0;
  for (const b of budgets) {
    const sig = teamSignature(b, project);
    if (seen.has(sig)) continue;
    seen.add(sig);
    const asOf = Date.now();
    const window = windowOf(b.scope, asOf, tz);
    const [g1, g2] = b.model ? modelGlobs(b.model) : [null, null];
    const { rows } = await pg.query<{ tokens: string; usd: number; unpriced: string; machines: number }>(
      `SELECT coalesce(sum(total_tokens), 0) AS tokens, coalesce(sum(cost_usd), 0)::float8 AS usd,
              coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0) AS unpriced,
              count(DISTINCT machine_id)::int AS machines
       FROM agent_warden_usage
       WHERE team = $1 AND machine_id <> $2 AND ts >= $3
         AND ($4::text IS NULL OR agent_type = $4)
         AND ($5::text IS NULL OR lower(coalesce(model, '')) ~ $5 OR lower(coalesce(model, '')) ~ $6)
         AND ($7::text IS NULL OR project = $7)`,
      [team, machine, window.start, b.agent_type ?? null, g1 && globToRegex(g1), g2 && globToRegex(g2), b.project ? project : null],
    );
    const r = rows[0]!;
    db.prepare(
      `INSERT INTO team_totals (sig, window_start, tokens, usd, unpriced_tokens, machines, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sig) DO UPDATE SET window_start = excluded.window_start, tokens = excluded.tokens, usd = excluded.usd,
         unpriced_tokens = excluded.unpriced_tokens, machines = excluded.machines, fetched_at = excluded.fetched_at`,
    ).run(sig, window.start, Number(r.tokens), Number(r.usd), Number(r.unpriced), r.machines, asOf);
    n++;
  }
  return n;
}

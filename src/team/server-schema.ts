// The team server's schema: numbered, append-only migrations like the local ledger's
// (src/ledger/migrations.ts). Every machine runs this before it pushes; an advisory lock makes
// machines that start at once apply each migration exactly once. Tables are prefixed so that the
// team can point agent-warden at a database it also uses for other things.
import type { TeamDb } from './pg-client';

export interface ServerMigration {
  version: number;
  why: string;
  sql: string;
}

export const serverMigrations: ServerMigration[] = [
  {
    version: 1,
    why: "Each machine's billed usage, one row per outbox row of its ledger (keyed by machine id and outbox id, so a push that is repeated lands once), and the machines of each team with the member name they report as.",
    sql: `
      CREATE TABLE agent_warden_members (
        team TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        member TEXT NOT NULL,
        first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_push_at TIMESTAMPTZ,
        PRIMARY KEY (team, machine_id)
      );
      CREATE TABLE agent_warden_usage (
        team TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        outbox_id BIGINT NOT NULL,
        push_seq BIGINT NOT NULL,
        session_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        agent_type TEXT,
        model TEXT,
        project TEXT,
        ts BIGINT NOT NULL,
        total_tokens BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION,
        pushed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (team, machine_id, outbox_id)
      );
      CREATE INDEX agent_warden_usage_window ON agent_warden_usage (team, ts);
    `,
  },
];

export const latestServerVersion = serverMigrations[serverMigrations.length - 1]!.version;

/** Brings the server's schema to ours; returns the version it is at (higher when a newer agent-warden migrated it). */
export async function migrateServer(db: TeamDb): Promise<number> {
  await db.query('BEGIN');
  try {
    // One machine migrates at a time; the others wait here, then find nothing left to do.
    await db.query("SELECT pg_advisory_xact_lock(hashtext('agent-warden schema'))");
    await db.query(`CREATE TABLE IF NOT EXISTS agent_warden_schema (version INTEGER PRIMARY KEY, why TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM agent_warden_schema');
    const current = rows[0]?.v ?? 0;
    for (const m of serverMigrations) {
      if (m.version <= current) continue;
      await db.query(m.sql);
      await db.query('INSERT INTO agent_warden_schema (version, why) VALUES ($1, $2)', [m.version, m.why]);
    }
    await db.query('COMMIT');
    return Math.max(current, latestServerVersion);
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

// A batch writer's way around the per-row triggers on usage (usage_buckets of migration 10, the
// team outbox of migration 12). Their bodies are cheap; their presence is not: a table with any
// trigger makes each INSERT or UPDATE of it a multi-write statement, which SQLite runs inside a
// statement journal of its own (every page it touches copied first). On an import that was most of
// the cost of a usage row (measured on the benchmark's 20,896 rows: 53 us a row with the triggers,
// 13 us without, and as slow with a single trigger whose WHEN is always false).
//
// So an import batch drops them inside its own transaction, writes, then applies what they would
// have done in a few set-based statements and creates them again from their stored SQL, before it
// commits. Other connections never see the table without them: they read the last commit (WAL),
// and a writer waits for the batch's lock. A failed batch rolls the DROP back with everything else.
//
// Exact, not approximate: a bucket is a sum of per-row integer contributions, so subtracting the
// contributions of the rows the batch may change before it changes them, and adding them back
// after, leaves every bucket equal to a rebuild's. The rows a batch may change: those of its
// sessions (new rows, merges, settling against a cost-state), and every row of a model whose
// rates it learns (`beforeReprice`).
import type { Ledger } from './db';

/** The triggers on usage this module knows how to stand in for; any other one present and it stands aside. */
const KNOWN = new Set([
  'usage_hour_insert',
  'usage_hour_update',
  'usage_hour_delete',
  'usage_day_insert',
  'usage_day_update',
  'usage_day_delete',
  'team_outbox_usage_insert',
  'team_outbox_usage_update',
]);

/** The grains of usage_buckets (migration 10): an hour and a UTC day, in ms. */
const GRAINS = [3_600_000, 86_400_000];

export interface SuspendedUsageTriggers {
  /** Call before rows of these models outside the batch's sessions are repriced (rates learned). */
  beforeReprice(models: Iterable<string>): void;
  /** Applies the batch's rows to usage_buckets (and the team outbox, when armed) and restores the triggers. */
  restore(): void;
}

/**
 * Inside the caller's transaction: subtracts the current rows of `sessionIds` from the buckets and
 * drops the triggers. Undefined (nothing done, the triggers keep working) when usage carries a
 * trigger not in KNOWN or misses one of them: a schema this code was not written for.
 */
export function suspendUsageTriggers(db: Ledger, sessionIds: string[]): SuspendedUsageTriggers | undefined {
  const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'usage'`).all() as { name: string; sql: string }[];
  if (triggers.length !== KNOWN.size || !triggers.every((t) => KNOWN.has(t.name))) return undefined;
  const sessions = JSON.stringify(sessionIds);
  const inBatch = `u.session_id IN (SELECT value FROM json_each(@sessions))`;
  let subtracted = false;
  let models: string[] = [];
  const apply = (sign: 1 | -1, where: string, args: Record<string, unknown>) => {
    const r = bucketDelta(db, sign, where).run(args);
    if (sign < 0 && Number(r.changes) > 0) subtracted = true;
  };
  apply(-1, inBatch, { sessions });
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  return {
    beforeReprice(learned) {
      models = [...learned];
      if (models.length) apply(-1, `u.model IN (SELECT value FROM json_each(@models)) AND NOT ${inBatch}`, { sessions, models: JSON.stringify(models) });
    },
    restore() {
      apply(1, inBatch, { sessions });
      if (models.length) apply(1, `u.model IN (SELECT value FROM json_each(@models)) AND NOT ${inBatch}`, { sessions, models: JSON.stringify(models) });
      // A bucket whose rows all moved away (a merge that typed a row, say) goes, as the triggers do it.
      if (subtracted) db.prepare('DELETE FROM usage_buckets WHERE messages <= 0').run();
      // The outbox, once armed (team_state has a machine id): every row the batch may have written
      // is queued or marked to push again. A row pushed before and unchanged goes again, which the
      // server takes as the same row (its natural key and the highest push sequence win).
      const outbox = `INSERT INTO team_outbox (session_id, agent_id, message_id)
         SELECT u.session_id, u.agent_id, u.message_id FROM usage u WHERE EXISTS (SELECT 1 FROM team_state WHERE key = 'machine_id') AND %WHERE% ORDER BY u.ts
         ON CONFLICT (session_id, agent_id, message_id) DO UPDATE SET dirty = 1 WHERE dirty = 0`;
      db.prepare(outbox.replace('%WHERE%', inBatch)).run({ sessions });
      if (models.length) db.prepare(outbox.replace('%WHERE%', `u.model IN (SELECT value FROM json_each(@models)) AND NOT ${inBatch}`)).run({ sessions, models: JSON.stringify(models) });
      for (const t of triggers) db.exec(t.sql);
    },
  };
}

/**
 * Adds (sign 1) or subtracts (sign -1) the contributions of the matching usage rows to both grains,
 * each row's the same figures the triggers of migration 10 add: its tokens, its cost in integer
 * nano-dollars, its unpriced and estimated tokens, one message; rows without a ts are in no bucket.
 */
function bucketDelta(db: Ledger, sign: 1 | -1, where: string) {
  const grains = GRAINS.map((g) => `SELECT ${g} AS grain`).join(' UNION ALL ');
  return db.prepare(
    `INSERT INTO usage_buckets (grain, start, project, agent_type, model, tokens, nano_usd, unpriced_tokens, estimated_tokens, messages)
     SELECT g.grain, (CAST(u.ts AS INTEGER) / g.grain) * g.grain, coalesce(u.project, ''), coalesce(u.agent_type, ''), lower(coalesce(u.model, '')),
       ${sign} * sum(u.total_tokens), ${sign} * sum(CAST(round(coalesce(u.cost_usd, 0) * 1e9) AS INTEGER)),
       ${sign} * sum(CASE WHEN u.cost_usd IS NULL THEN u.total_tokens ELSE 0 END),
       ${sign} * sum(CASE WHEN u.price_source = 'estimated' THEN u.total_tokens ELSE 0 END), ${sign} * count(*)
     FROM usage u CROSS JOIN (${grains}) g
     WHERE u.ts IS NOT NULL AND ${where}
     GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT DO UPDATE SET tokens = tokens + excluded.tokens, nano_usd = nano_usd + excluded.nano_usd,
       unpriced_tokens = unpriced_tokens + excluded.unpriced_tokens, estimated_tokens = estimated_tokens + excluded.estimated_tokens,
       messages = messages + excluded.messages`,
  );
}

// What a budget has used in its window, straight from the ledger: billed usage (one row per
// assistant message, main thread and every subagent), plus what running dispatches have reserved
// and not billed yet, plus the one-off raises granted with `budget override`.
import type { Ledger } from '../../ledger/db';

/** Which spend a budget counts: one session, or everything since a window start; optionally one agent type or project. */
export interface SpendFilter {
  sessionId?: string;
  since?: number;
  agentType?: string;
  project?: string;
  /** One subagent's own spend (a `dispatch` budget). */
  agentId?: string;
  /** Only usage of models matching this family/prefix or glob (see modelGlobs). */
  model?: string;
}

/**
 * A budget's `model` filter as GLOB patterns over lower-cased model names: a glob is used as
 * written; anything else is a family or name prefix ("opus" matches claude-opus-5-5, "claude-opus-5" too).
 */
export function modelGlobs(model: string): [string, string] {
  const m = model.toLowerCase();
  if (/[*?[]/.test(m)) return [m, m];
  return [`${m}*`, `claude-${m}*`];
}

export interface Billed {
  tokens: number;
  /** Sum over priced messages only. */
  usd: number;
  /** Tokens of messages recorded before rows carried a price (priced at the next report): USD spend is a lower bound when > 0. */
  unpricedTokens: number;
  /** Tokens priced at an estimate (a model with no exact or learned price): counted, and said so. */
  estimatedTokens: number;
}

function where(f: SpendFilter, alias: string, timeColumn: string): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (f.sessionId !== undefined) (parts.push(`${alias}.session_id = ?`), args.push(f.sessionId));
  if (f.since !== undefined) (parts.push(`${alias}.${timeColumn} >= ?`), args.push(f.since));
  if (f.agentType !== undefined) (parts.push(`${alias}.agent_type = ?`), args.push(f.agentType));
  if (f.project !== undefined) (parts.push(`${alias}.project = ?`), args.push(f.project));
  if (f.agentId !== undefined) (parts.push(`${alias}.agent_id = ?`), args.push(f.agentId));
  if (f.model !== undefined) (parts.push(`(lower(coalesce(${alias}.model, '')) GLOB ? OR lower(coalesce(${alias}.model, '')) GLOB ?)`), args.push(...modelGlobs(f.model)));
  return { sql: parts.length ? parts.join(' AND ') : '1', args };
}

export function billed(db: Ledger, f: SpendFilter): Billed {
  const split = bucketSplit(f);
  if (split) return billedFromBuckets(db, f, split);
  const w = where(f, 'u', 'ts');
  const row = db
    .prepare(
      `SELECT coalesce(sum(u.total_tokens), 0) AS tokens, coalesce(sum(u.cost_usd), 0) AS usd,
              coalesce(sum(CASE WHEN u.cost_usd IS NULL THEN u.total_tokens ELSE 0 END), 0) AS unpriced,
              coalesce(sum(CASE WHEN u.price_source = 'estimated' THEN u.total_tokens ELSE 0 END), 0) AS estimated
       FROM usage u WHERE ${w.sql}`,
    )
    .get(...w.args) as { tokens: number; usd: number; unpriced: number; estimated: number };
  return { tokens: row.tokens, usd: row.usd, unpricedTokens: row.unpriced, estimatedTokens: row.estimated };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * A window over all sessions reads usage_buckets (migration 10): the rows of its first partial
 * hour, then whole hours up to the first UTC midnight, then whole days. O(buckets), whatever the
 * ledger's size. Session and per-dispatch spend stays on usage (its key starts with session_id).
 */
interface Split {
  since: number;
  /** First whole hour, first whole UTC day. */
  hour: number;
  day: number;
}

function bucketSplit(f: SpendFilter): Split | undefined {
  if (f.since === undefined || f.sessionId !== undefined || f.agentId !== undefined) return undefined;
  // Buckets store a missing project or agent type as '': an empty filter value would match those.
  if (f.project === '' || f.agentType === '') return undefined;
  const hour = Math.ceil(f.since / HOUR) * HOUR;
  return { since: f.since, hour, day: Math.ceil(hour / DAY) * DAY };
}

function bucketWhere(f: SpendFilter): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (f.agentType !== undefined) (parts.push('b.agent_type = ?'), args.push(f.agentType));
  if (f.project !== undefined) (parts.push('b.project = ?'), args.push(f.project));
  if (f.model !== undefined) (parts.push('(b.model GLOB ? OR b.model GLOB ?)'), args.push(...modelGlobs(f.model)));
  return { sql: parts.length ? parts.join(' AND ') : '1', args };
}

function billedFromBuckets(db: Ledger, f: SpendFilter, s: Split): Billed {
  const head = where({ ...f, since: undefined }, 'u', 'ts');
  const b = bucketWhere(f);
  const row = db
    .prepare(
      `SELECT coalesce(sum(tokens), 0) AS tokens, coalesce(sum(nano), 0) AS nano, coalesce(sum(usd), 0) AS usd,
              coalesce(sum(unpriced), 0) AS unpriced, coalesce(sum(estimated), 0) AS estimated FROM (
         SELECT u.total_tokens AS tokens, 0 AS nano, u.cost_usd AS usd,
                CASE WHEN u.cost_usd IS NULL THEN u.total_tokens ELSE 0 END AS unpriced,
                CASE WHEN u.price_source = 'estimated' THEN u.total_tokens ELSE 0 END AS estimated
           FROM usage u WHERE u.ts >= ? AND u.ts < ? AND ${head.sql}
         UNION ALL
         SELECT b.tokens, b.nano_usd, 0, b.unpriced_tokens, b.estimated_tokens
           FROM usage_buckets b WHERE b.grain = ${HOUR} AND b.start >= ? AND b.start < ? AND ${b.sql}
         UNION ALL
         SELECT b.tokens, b.nano_usd, 0, b.unpriced_tokens, b.estimated_tokens
           FROM usage_buckets b WHERE b.grain = ${DAY} AND b.start >= ? AND ${b.sql})`,
    )
    .get(s.since, s.hour, ...head.args, s.hour, s.day, ...b.args, s.day, ...b.args) as { tokens: number; nano: number; usd: number; unpriced: number; estimated: number };
  return { tokens: row.tokens, usd: row.usd + row.nano / 1e9, unpricedTokens: row.unpriced, estimatedTokens: row.estimated };
}

/**
 * Tokens held by dispatches still running: their reservation minus what their subagent has billed
 * so far. A dispatch of a session that has ended holds nothing (it will never report back).
 */
export function reserved(db: Ledger, f: SpendFilter): number {
  // A dispatch's model is often only known once it runs: model-filtered and per-dispatch budgets hold no reservations.
  if (f.model !== undefined || f.agentId !== undefined) return 0;
  const w = where(f, 'd', 'started_at');
  const row = db
    .prepare(
      `SELECT coalesce(sum(max(d.reserved_tokens - coalesce(r.total_tokens, 0), 0)), 0) AS tokens
       FROM dispatches d
       LEFT JOIN agent_runs r ON r.session_id = d.session_id AND r.agent_id = d.agent_id
       LEFT JOIN sessions s ON s.session_id = d.session_id
       WHERE d.status = 'running' AND d.reserved_tokens > 0 AND s.ended_at IS NULL AND ${w.sql}`,
    )
    .get(...w.args) as { tokens: number };
  return row.tokens;
}

export interface Raise {
  tokens: number;
  usd: number;
}

/** Raises logged with `budget override`: for this session (or every session), this budget (or all), in this window. */
export function overrides(db: Ledger, o: { sessionId?: string; budgetKey: string; since: number }): Raise {
  const row = db
    .prepare(
      `SELECT coalesce(sum(add_tokens), 0) AS tokens, coalesce(sum(add_usd), 0) AS usd FROM budget_overrides
       WHERE (session_id IS NULL OR session_id = ?) AND (budget_id IS NULL OR budget_id = ?) AND coalesce(created_at, 0) >= ?`,
    )
    .get(o.sessionId ?? null, o.budgetKey, o.since) as Raise;
  return row;
}

/** When the session's first event arrived (a session budget's burn rate counts from there). */
export function sessionStart(db: Ledger, sessionId: string): number | undefined {
  const row = db.prepare('SELECT started_at FROM sessions WHERE session_id = ?').get(sessionId) as { started_at: number | null } | undefined;
  return row?.started_at ?? undefined;
}

/** The earliest counted spend since `since` (a rolling window frees up as it ages out). */
export function oldestSpend(db: Ledger, f: SpendFilter): number | undefined {
  const split = bucketSplit(f);
  if (!split) return oldestRow(db, f);
  // The partial first hour, else the first hour bucket that holds spend, read exactly from its rows.
  const first = oldestRow(db, f, split.hour);
  if (first !== undefined) return first;
  const b = bucketWhere(f);
  const bucket = db
    .prepare(`SELECT min(b.start) AS start FROM usage_buckets b WHERE b.grain = ${HOUR} AND b.start >= ? AND b.tokens > 0 AND ${b.sql}`)
    .get(split.hour, ...b.args) as { start: number | null };
  if (bucket.start === null) return undefined;
  return oldestRow(db, { ...f, since: bucket.start }, bucket.start + HOUR);
}

function oldestRow(db: Ledger, f: SpendFilter, before?: number): number | undefined {
  const w = where(f, 'u', 'ts');
  const bound = before === undefined ? '' : ' AND u.ts < ?';
  const row = db.prepare(`SELECT min(u.ts) AS ts FROM usage u WHERE ${w.sql}${bound} AND u.total_tokens > 0`).get(...w.args, ...(before === undefined ? [] : [before])) as { ts: number | null };
  return row.ts ?? undefined;
}

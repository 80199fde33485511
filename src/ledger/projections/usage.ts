import { prepared } from '../prepared';
// Projection of the usage table: one row per assistant message, merged to its largest token counts,
// each priced and marked with how (`price_source`). Prices are not frozen into the log: learning a
// rate from a cost-state, or a new price table or `pricing` config, reprices the rows in place, so
// no `ledger rebuild` is needed (and a rebuild converges to the same figures, whatever the order).
import { fitRates, plausible, type CostState, type ModelCost } from '../../runtime/tokens/cost-state';
import { costAt, knownPrice, PRICE_TABLE, type Priced, priceModel, type Rates } from '../../runtime/tokens/pricing';
import { type MessageUsage, totalOf } from '../../runtime/tokens/transcript';
import type { Ledger } from '../db';
import type { StoredEvent } from '../events';
import type { ProjectionContext } from './types';

/** How a row was priced: the four price sources, or `claude-code` when the session's own cost-state fixed it. */
export type RowPriceSource = 'config' | 'table' | 'learned' | 'estimated' | 'claude-code';

/** A session's tokens of a model may differ from Claude Code's count by this much and still take its cost. */
const MATCH_TOLERANCE = 0.02;

/** New assistant messages read from the main transcript, and Claude Code's cost-state when one was read. */
export function transcriptUsage(db: Ledger, ev: StoredEvent<'transcript_usage'>, ctx: ProjectionContext): void {
  const p = ev.payload;
  const price = pricer(db, ctx);
  for (const m of p.messages as MessageUsage[]) upsertUsage(db, ev, '', null, m, price(m.model));
  settleModels(db, ev, p.messages, ctx);
  if (p.cost_state && ev.sessionId) costState(db, ev, p.cost_state as CostState, ctx);
}

/** A subagent's messages, typed by its dispatch when known. */
export function agentTranscriptUsage(db: Ledger, ev: StoredEvent<'agent_transcript' | 'agent_usage'>, ctx: ProjectionContext): void {
  const p = ev.payload;
  const dispatchType = p.tool_use_id
    ? (db.prepare('SELECT agent_type FROM dispatches WHERE session_id = ? AND tool_use_id = ?').get(ev.sessionId, p.tool_use_id) as any)?.agent_type
    : undefined;
  const agentType = dispatchType ?? p.agent_type ?? null;
  const price = pricer(db, ctx);
  for (const m of p.messages as MessageUsage[]) upsertUsage(db, ev, p.agent_id, agentType, m, price(m.model));
  settleModels(db, ev, p.messages, ctx);
}

/** Once per model of a batch (not per message): rows of a session that has a cost-state take Claude Code's figure. */
function settleModels(db: Ledger, ev: StoredEvent, messages: MessageUsage[], ctx: ProjectionContext): void {
  if (!ev.sessionId) return;
  for (const model of new Set(messages.map((m) => m.model).filter((m): m is string => Boolean(m)))) settle(db, ev.sessionId, model, ctx);
}

// A batch writer (`import`, `ledger rebuild`) settles once per batch: see DeferredPricing in ./types.
export const deferPricing = (ctx: ProjectionContext): ProjectionContext => ({ ...ctx, deferred: { settle: new Set(), learn: new Map() } });

/** Runs the batch's deferred learning, then its settling; a no-op without a deferral. */
export function settleDeferred(db: Ledger, ctx: ProjectionContext): void {
  const work = ctx.deferred;
  if (!work) return;
  const now = { ...ctx, deferred: undefined };
  for (const [model, at] of work.learn) learn(db, model, at, now);
  for (const pair of work.settle) {
    const [session, model] = pair.split('\0') as [string, string];
    settleSession(db, session, model, now);
  }
  work.learn.clear();
  work.settle.clear();
}

function settle(db: Ledger, sessionId: string, model: string, ctx: ProjectionContext): void {
  if (ctx.deferred) ctx.deferred.settle.add(`${sessionId}\0${model}`);
  else settleSession(db, sessionId, model, ctx);
}

/** Each model's price, looked up once per event rather than once per message. */
function pricer(db: Ledger, ctx: ProjectionContext): (model: string | undefined) => Priced {
  const known = new Map<string | undefined, Priced>();
  return (model) => {
    let price = known.get(model);
    if (!price) known.set(model, (price = priceModel(model, ctx.pricing, learnedRates(db, model))));
    return price;
  };
}

// Positional: binding nineteen named parameters looked each name up on an object for every
// message, most of the statement's cost in JS on an import's tens of thousands of rows (measured).
// So the counts and rates are bound again where the SQL uses them again.
const UPSERT_USAGE = `INSERT INTO usage (session_id, agent_id, message_id, project, agent_type, ts, model, input_tokens, output_tokens,
     cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, total_tokens, cost_usd, price_source)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (? * ? + ? * ? + ? * ? + ? * ? + ? * ?) / 1e6, ?)
   ON CONFLICT (session_id, agent_id, message_id) DO UPDATE SET
     agent_type = coalesce(excluded.agent_type, usage.agent_type),
     input_tokens = max(usage.input_tokens, excluded.input_tokens), output_tokens = max(usage.output_tokens, excluded.output_tokens),
     cache_write_5m_tokens = max(usage.cache_write_5m_tokens, excluded.cache_write_5m_tokens),
     cache_write_1h_tokens = max(usage.cache_write_1h_tokens, excluded.cache_write_1h_tokens),
     cache_read_tokens = max(usage.cache_read_tokens, excluded.cache_read_tokens),
     total_tokens = max(usage.total_tokens, excluded.total_tokens),
     cost_usd = (max(usage.input_tokens, excluded.input_tokens) * ? + max(usage.output_tokens, excluded.output_tokens) * ?
       + max(usage.cache_write_5m_tokens, excluded.cache_write_5m_tokens) * ? + max(usage.cache_write_1h_tokens, excluded.cache_write_1h_tokens) * ?
       + max(usage.cache_read_tokens, excluded.cache_read_tokens) * ?) / 1e6,
     price_source = excluded.price_source`;

function upsertUsage(db: Ledger, ev: StoredEvent, agentId: string, agentType: string | null, m: MessageUsage, price: Priced): void {
  // One statement per message: a new row is priced from its counts, a merged one (which may have
  // grown) from its merged counts, with the same expression either way.
  const r = price.rates;
  prepared(db, UPSERT_USAGE).run(
    ev.sessionId,
    agentId,
    m.id,
    ev.project ?? null,
    agentType,
    m.ts ?? ev.receivedAt,
    m.model ?? null,
    m.input,
    m.output,
    m.cacheWrite5m,
    m.cacheWrite1h,
    m.cacheRead,
    totalOf(m),
    m.input,
    r.input,
    m.output,
    r.output,
    m.cacheWrite5m,
    r.cache_write_5m,
    m.cacheWrite1h,
    r.cache_write_1h,
    m.cacheRead,
    r.cache_read,
    price.source,
    r.input,
    r.output,
    r.cache_write_5m,
    r.cache_write_1h,
    r.cache_read,
  );
}

const COST_SQL = `(input_tokens * @ri + output_tokens * @ro + cache_write_5m_tokens * @rw5 + cache_write_1h_tokens * @rw1 + cache_read_tokens * @rr) / 1e6`;
const ratesArgs = (r: Rates) => ({ ri: r.input, ro: r.output, rw5: r.cache_write_5m, rw1: r.cache_write_1h, rr: r.cache_read });

export function learnedRates(db: Ledger, model: string | undefined): Rates | undefined {
  if (!model) return undefined;
  return prepared(db, 'SELECT input, output, cache_write_5m, cache_write_1h, cache_read FROM learned_rates WHERE model = ?').get(model) as Rates | undefined;
}

/** Records Claude Code's cost per model for the session, learns rates for models without an exact price, reprices. */
function costState(db: Ledger, ev: StoredEvent, state: CostState, ctx: ProjectionContext): void {
  for (const [model, c] of Object.entries(state.models)) {
    // Cost-states are cumulative: the latest (largest) one of a session stands.
    db.prepare(
      `INSERT INTO cost_states (session_id, model, project, ts, input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_usd, session_total_usd)
       VALUES (@session, @model, @project, @ts, @input, @output, @w5, @w1, @read, @cost, @total)
       ON CONFLICT (session_id, model) DO UPDATE SET
         ts = excluded.ts, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
         cache_write_5m_tokens = excluded.cache_write_5m_tokens, cache_write_1h_tokens = excluded.cache_write_1h_tokens,
         cache_read_tokens = excluded.cache_read_tokens, cost_usd = excluded.cost_usd, session_total_usd = excluded.session_total_usd
       WHERE excluded.cost_usd >= cost_states.cost_usd`,
    ).run({
      session: ev.sessionId,
      model,
      project: ev.project ?? null,
      ts: ev.receivedAt,
      input: c.input,
      output: c.output,
      w5: c.cacheWrite5m,
      w1: c.cacheWrite1h,
      read: c.cacheRead,
      cost: c.costUsd,
      total: state.totalCostUsd,
    });
    if (!knownPrice(model, ctx.pricing)) {
      if (ctx.deferred) ctx.deferred.learn.set(model, Math.max(ctx.deferred.learn.get(model) ?? ev.receivedAt, ev.receivedAt));
      else learn(db, model, ev.receivedAt, ctx);
    }
    settle(db, ev.sessionId!, model, ctx);
  }
}

/** Fits the model's rates to every cost-state recorded for it and reprices its rows that no cost-state of their own settles. */
function learn(db: Ledger, model: string, now: number, ctx: ProjectionContext): void {
  const rows = (db.prepare('SELECT * FROM cost_states WHERE model = ?').all(model) as any[]).map(toModelCost);
  const shape = priceModel(model, ctx.pricing); // the family estimate: learning only ever applies to models without an exact price
  const rates = fitRates(rows, shape.rates);
  if (!rates) return;
  db.prepare(
    `INSERT INTO learned_rates (model, input, output, cache_write_5m, cache_write_1h, cache_read, basis, sessions, learned_at)
     VALUES (@model, @input, @output, @cache_write_5m, @cache_write_1h, @cache_read, @basis, @sessions, @now)
     ON CONFLICT (model) DO UPDATE SET input = excluded.input, output = excluded.output, cache_write_5m = excluded.cache_write_5m,
       cache_write_1h = excluded.cache_write_1h, cache_read = excluded.cache_read, basis = excluded.basis, sessions = excluded.sessions,
       learned_at = max(coalesce(learned_rates.learned_at, 0), excluded.learned_at)`,
  ).run({ model, ...rates, basis: shape.basis ?? null, sessions: rows.length, now });
  db.prepare(`UPDATE usage SET cost_usd = ${COST_SQL}, price_source = 'learned' WHERE model = @model AND price_source IS NOT 'claude-code'`).run({ ...ratesArgs(rates), model });
  refreshRunCosts(db, model);
}

/** Subagent runs keep their cost summed from usage: after a reprice, sum again those that used the model. */
function refreshRunCosts(db: Ledger, model: string | null, sessionId?: string): void {
  // Two statements, not one with `@session IS NULL OR …`: that form cannot use an index, and
  // scanned every usage row of the model at each settle of each session.
  const set = `UPDATE agent_runs SET (cost_usd, unpriced_tokens) =
       (SELECT sum(cost_usd), coalesce(sum(CASE WHEN cost_usd IS NULL THEN total_tokens ELSE 0 END), 0)
        FROM usage u WHERE u.session_id = agent_runs.session_id AND u.agent_id = agent_runs.agent_id)`;
  if (sessionId !== undefined) {
    prepared(db, `${set} WHERE session_id = @session AND agent_id IN (SELECT agent_id FROM usage WHERE model IS @model AND session_id = @session AND agent_id != '')`).run({ model, session: sessionId });
  } else {
    prepared(db, `${set} WHERE (session_id, agent_id) IN (SELECT session_id, agent_id FROM usage WHERE model IS @model AND agent_id != '')`).run({ model });
  }
}

/**
 * When the session has a cost-state for the model and our transcript sums match its token counts,
 * Claude Code's cost is the truth: the rows are scaled so that they add up to it exactly (each row
 * keeps its share at the model's rates, so the main thread / subagent split stays right).
 */
function settleSession(db: Ledger, sessionId: string, model: string, ctx: ProjectionContext): void {
  const state = db.prepare('SELECT * FROM cost_states WHERE session_id = ? AND model = ?').get(sessionId, model) as any;
  if (!state) return;
  const ours = db
    .prepare(
      `SELECT coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cache_write_5m_tokens), 0) AS w5,
              coalesce(sum(cache_write_1h_tokens), 0) AS w1, coalesce(sum(cache_read_tokens), 0) AS rd
       FROM usage WHERE session_id = ? AND model = ?`,
    )
    .get(sessionId, model) as { input: number; output: number; w5: number; w1: number; rd: number };
  const theirs = toModelCost(state);
  const oursTotal = ours.input + ours.output + ours.w5 + ours.w1 + ours.rd;
  const theirsTotal = theirs.input + theirs.output + theirs.cacheWrite5m + theirs.cacheWrite1h + theirs.cacheRead;
  const price = priceModel(model, ctx.pricing, learnedRates(db, model));
  const atRates = costAt({ input: ours.input, output: ours.output, cacheWrite5m: ours.w5, cacheWrite1h: ours.w1, cacheRead: ours.rd }, price.rates);
  if (theirsTotal === 0 || Math.abs(oursTotal - theirsTotal) > MATCH_TOLERANCE * theirsTotal || !plausible(theirs.costUsd, atRates)) {
    // Not (yet) the same messages, e.g. a subagent's transcript still to be read: the rows keep their rates.
    db.prepare(`UPDATE usage SET cost_usd = ${COST_SQL}, price_source = @source WHERE session_id = @session AND model = @model AND price_source = 'claude-code'`).run({
      ...ratesArgs(price.rates),
      source: price.source,
      session: sessionId,
      model,
    });
    refreshRunCosts(db, model, sessionId);
    return;
  }
  const k = theirs.costUsd / atRates;
  const scaled: Rates = {
    input: price.rates.input * k,
    output: price.rates.output * k,
    cache_write_5m: price.rates.cache_write_5m * k,
    cache_write_1h: price.rates.cache_write_1h * k,
    cache_read: price.rates.cache_read * k,
  };
  db.prepare(`UPDATE usage SET cost_usd = ${COST_SQL}, price_source = 'claude-code' WHERE session_id = @session AND model = @model`).run({ ...ratesArgs(scaled), session: sessionId, model });
  refreshRunCosts(db, model, sessionId);
}

const toModelCost = (r: any): ModelCost => ({
  input: r.input_tokens,
  output: r.output_tokens,
  cacheWrite5m: r.cache_write_5m_tokens,
  cacheWrite1h: r.cache_write_1h_tokens,
  cacheRead: r.cache_read_tokens,
  costUsd: r.cost_usd,
});

/**
 * Reprices every row when the price table or the `pricing` config changed since rows were priced
 * (and prices rows recorded before rows carried a price source). Cheap when nothing changed.
 */
export function repriceIfChanged(db: Ledger, ctx: ProjectionContext): boolean {
  const basis = JSON.stringify({ table: `${PRICE_TABLE.source}@${PRICE_TABLE.version}`, config: ctx.pricing });
  const row = db.prepare(`SELECT value FROM pricing_state WHERE key = 'basis'`).get() as { value: string } | undefined;
  const stale = db.prepare('SELECT 1 FROM usage WHERE price_source IS NULL LIMIT 1').get();
  if (row?.value === basis && !stale) return false;
  const models = db.prepare('SELECT DISTINCT model FROM usage').all() as { model: string | null }[];
  for (const { model } of models) {
    if (model && !knownPrice(model, ctx.pricing) && db.prepare('SELECT 1 FROM cost_states WHERE model = ? LIMIT 1').get(model)) learn(db, model, 0, ctx);
    const price = priceModel(model ?? undefined, ctx.pricing, learnedRates(db, model ?? undefined));
    db.prepare(`UPDATE usage SET cost_usd = ${COST_SQL}, price_source = @source WHERE model IS @model`).run({ ...ratesArgs(price.rates), source: price.source, model });
    refreshRunCosts(db, model);
    if (model) for (const s of db.prepare('SELECT session_id FROM cost_states WHERE model = ?').all(model) as { session_id: string }[]) settleSession(db, s.session_id, model, ctx);
  }
  db.prepare(`INSERT INTO pricing_state (key, value) VALUES ('basis', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(basis);
  return true;
}


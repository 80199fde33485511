// What each model seen in the ledger is priced at, and why: the `agent-warden pricing` view.
import type { ModelPrice } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { PRICE_TABLE, priceModel, type PriceSource, type Rates } from '../runtime/tokens/pricing';

export interface ModelPricing extends Rates {
  model: string;
  source: PriceSource;
  /** People's words for the source: "learned from Claude Code", "estimated from claude-opus-5-5", … */
  note: string;
  /** For learned and estimated prices: the model whose price gave the shape or stood in. */
  basis: string | null;
  /** Sessions whose cost-state the learned rate was fitted to. */
  sessions: number | null;
  /** Tokens recorded for this model, and how many of them Claude Code's own cost-state settled. */
  tokens: number;
  settled_tokens: number;
}

export interface PricingReport {
  table: { source: string; version: string; date: string };
  unit: 'USD per million tokens';
  models: ModelPricing[];
}

export function buildPricingReport(db: Ledger, overrides: Record<string, ModelPrice>): PricingReport {
  const seen = db
    .prepare(
      `SELECT model, sum(total_tokens) AS tokens, sum(CASE WHEN price_source = 'claude-code' THEN total_tokens ELSE 0 END) AS settled
       FROM usage WHERE model IS NOT NULL GROUP BY model
       UNION SELECT model, 0, 0 FROM learned_rates WHERE model NOT IN (SELECT model FROM usage WHERE model IS NOT NULL)
       ORDER BY model`,
    )
    .all() as { model: string; tokens: number; settled: number }[];
  const models = seen.map(({ model, tokens, settled }): ModelPricing => {
    const learned = db.prepare('SELECT * FROM learned_rates WHERE model = ?').get(model) as (Rates & { basis: string | null; sessions: number }) | undefined;
    const learnedRates = learned ? { input: learned.input, output: learned.output, cache_write_5m: learned.cache_write_5m, cache_write_1h: learned.cache_write_1h, cache_read: learned.cache_read } : undefined;
    const p = priceModel(model, overrides, learnedRates);
    const isLearned = p.source === 'learned' && learned;
    const note =
      p.source === 'config'
        ? 'from your "pricing" config'
        : p.source === 'table'
          ? `from ${PRICE_TABLE.source} ${PRICE_TABLE.version} (${PRICE_TABLE.date})`
          : isLearned
            ? `learned from Claude Code (${learned.sessions} session${learned.sessions === 1 ? '' : 's'}${learned.basis ? `, shaped like ${learned.basis}` : ''})`
            : `estimated: priced as ${p.basis}`;
    return {
      model,
      ...round(p.rates),
      source: p.source,
      note,
      basis: isLearned ? learned.basis : (p.basis ?? null),
      sessions: isLearned ? learned.sessions : null,
      tokens,
      settled_tokens: settled,
    };
  });
  return { table: { ...PRICE_TABLE }, unit: 'USD per million tokens', models };
}

const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
const round = (r: Rates): Rates => ({ input: r6(r.input), output: r6(r.output), cache_write_5m: r6(r.cache_write_5m), cache_write_1h: r6(r.cache_write_1h), cache_read: r6(r.cache_read) });

// Claude Code's own account of a session's cost: the `cost-state` line it writes into the session
// transcript (`totalCostUSD`, and per model the token counts and `costUSD` it billed, subagents
// included). This is what the user is billed, so it is the session's ground truth; it also lets us
// learn what a model costs when no price table knows it.
import { costAt, type Rates } from './pricing';

export interface ModelCost {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  costUsd: number;
}

export interface CostState {
  totalCostUsd: number;
  models: Record<string, ModelCost>;
}

const MAX_MODELS = 64;

/** Parses one transcript line; undefined unless it is a well-formed cost-state. */
export function parseCostState(line: string): CostState | undefined {
  if (!line.includes('"cost-state"')) return undefined;
  let rec: any;
  try {
    rec = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (rec?.type !== 'cost-state' || !isAmount(rec.totalCostUSD) || !rec.modelUsage || typeof rec.modelUsage !== 'object') return undefined;
  // Claude Code flags a state in which it priced some model by guesswork: that is no ground truth.
  if (rec.hasUnknownModelCost === true) return undefined;
  const models: Record<string, ModelCost> = {};
  for (const [model, u] of Object.entries(rec.modelUsage as Record<string, any>).slice(0, MAX_MODELS)) {
    if (!u || typeof u !== 'object' || !isAmount(u.costUSD) || model.length > 200) continue;
    const creation = count(u.cacheCreationInputTokens);
    const w1h = count(u.cacheCreationEphemeral1hInputTokens);
    models[model] = {
      input: count(u.inputTokens),
      output: count(u.outputTokens),
      // Like transcripts, older states carry no split by lifetime: the rest counts as 5-minute writes.
      cacheWrite5m: Math.max(creation - w1h, 0),
      cacheWrite1h: w1h,
      cacheRead: count(u.cacheReadInputTokens),
      costUsd: u.costUSD,
    };
    // Tokens billed at $0 teach nothing and must never make spend free.
    if (models[model]!.costUsd === 0 && tokensOf(models[model]!) > 0) delete models[model];
  }
  return { totalCostUsd: rec.totalCostUSD, models };
}

export const tokensOf = (m: Omit<ModelCost, 'costUsd'>) => m.input + m.output + m.cacheWrite5m + m.cacheWrite1h + m.cacheRead;

/**
 * Rates for a model the price table lacks, fitted to Claude Code's figures for it.
 *
 * Each cost-state gives, per model, one equation: costUSD = Σ tokens_k × rate_k over five kinds of
 * token (input, output, 5-minute and 1-hour cache writes, cache reads). Five unknowns and, per
 * session, one equation: the rates cannot be solved for one by one, and even over many sessions the
 * token mix hardly varies (cache reads dominate every one), so a free least-squares fit would be
 * ill-conditioned. Several models in one session are no obstacle: Claude Code already splits the
 * cost per model, so each model is fitted on its own rows.
 *
 * So the shape of the price (the ratios between the five rates) comes from the `shape` rates, the
 * newest known model of the same family, and only the scale is fitted: the s minimising
 * Σ_i (cost_i − s·c_i)² with c_i = cost of row i at the shape rates, i.e. s = Σ cost_i·c_i / Σ c_i².
 * With one session that reproduces Claude Code's figure for it exactly; with several it is their
 * least-squares compromise. A session that has its own cost-state is billed from it regardless (see
 * the usage projection), so the fit only prices sessions without one and spend seen before the
 * session's cost-state is written.
 */
export function fitRates(rows: ModelCost[], shape: Rates): Rates | undefined {
  let num = 0;
  let den = 0;
  for (const r of rows) {
    const c = costAt(r, shape);
    if (!plausible(r.costUsd, c)) continue;
    num += r.costUsd * c;
    den += c * c;
  }
  if (!(den > 0) || !(num > 0)) return undefined;
  const s = num / den;
  return {
    input: shape.input * s,
    output: shape.output * s,
    cache_write_5m: shape.cache_write_5m * s,
    cache_write_1h: shape.cache_write_1h * s,
    cache_read: shape.cache_read * s,
  };
}

/**
 * A transcript is outside input: a figure more than 10x off the family's price in either direction
 * is more likely forged or broken than a real price, and would let spend look free (or huge).
 */
export const plausible = (claimed: number, atShape: number) => atShape > 0 && claimed >= atShape / 10 && claimed <= atShape * 10;

const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e7;
const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

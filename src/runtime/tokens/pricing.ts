// What a model's tokens cost, in USD per million tokens, and how sure we are of it. In order:
//   config   the user's `pricing` entry for the model (same keys, same units);
//   table    the dated table from @pydantic/genai-prices (./prices/anthropic.json, `npm run prices:refresh`);
//   learned  rates fitted to Claude Code's own `cost-state` figures (see ./cost-state.ts), for models the
//            table lacks;
//   estimated  the newest known model of the same family (an unknown `claude-opus-*` as the newest
//            Opus); a model of no known family as the newest Opus, the dearest, so a USD budget errs
//            on the side of stopping.
// No model is ever priced at $0 for want of a price: a budget counts an estimate and says so.
import type { ModelPrice } from '../config/schema';
import table from './prices/anthropic.json';

/** One assistant message's billed usage, as read from a transcript (./transcript.ts). */
export interface MessageUsage {
  id: string;
  model?: string;
  ts?: number;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export type PriceSource = 'config' | 'table' | 'learned' | 'estimated';

/** Every rate filled in, USD per million tokens. */
export interface Rates {
  input: number;
  output: number;
  cache_write_5m: number;
  cache_write_1h: number;
  cache_read: number;
}

export interface Priced {
  rates: Rates;
  source: PriceSource;
  /** For an estimate: the model whose price stands in. */
  basis?: string;
}

interface TableRow extends ModelPrice {
  aliases?: string[];
}

export const PRICE_TABLE: { source: string; version: string; date: string } = { source: table.source, version: table.version, date: table.date };
/** The price table's date (its package's publication day). */
export const PRICING_DATE = table.date;

const tableRows = table.models as Record<string, TableRow>;

/** Table ids as models are spelled in transcripts: `-latest` dropped, aliases added. */
const builtin: Record<string, ModelPrice> = (() => {
  const out: Record<string, ModelPrice> = {};
  for (const [id, row] of Object.entries(tableRows)) {
    const { aliases, ...price } = row;
    out[id.replace(/-latest$/, '')] = price;
    for (const a of aliases ?? []) out[a] ??= price;
  }
  return out;
})();

/** Fills the cache rates a price leaves out with Anthropic's multipliers: writes 1.25x (5 min) or 2x (1 h) input, reads 0.1x. */
export function fullRates(p: ModelPrice): Rates {
  return {
    input: p.input,
    output: p.output,
    cache_write_5m: p.cache_write_5m ?? p.input * 1.25,
    cache_write_1h: p.cache_write_1h ?? p.input * 2,
    cache_read: p.cache_read ?? p.input * 0.1,
  };
}

/** `claude-opus-4-1-20250805` → `claude-opus-4-1`; `claude-opus-5-5[1m]` → `claude-opus-5-5`. */
const canonical = (model: string) => model.replace(/\[.*\]$/, '').replace(/-\d{8}$/, '').replace(/@.*$/, '');

/** An exact price: config first, then the table. Prefixes do not count (`claude-sonnet-5` is not `claude-sonnet-5-5`). */
export function knownPrice(model: string | undefined, overrides: Record<string, ModelPrice> = {}): Priced | undefined {
  if (!model) return undefined;
  for (const id of [model, canonical(model)]) {
    if (overrides[id]) return { rates: fullRates(overrides[id]!), source: 'config' };
  }
  for (const id of [model, canonical(model)]) {
    if (builtin[id]) return { rates: fullRates(builtin[id]!), source: 'table' };
  }
  return undefined;
}

type Family = 'opus' | 'sonnet' | 'haiku';

/** Family and version of a Claude model id, old (`claude-3-5-sonnet`) or new (`claude-sonnet-4-5`) spelling. */
export function familyOf(model: string): { family: Family; version: number } | undefined {
  const id = canonical(model);
  let m = /^claude-(opus|sonnet|haiku)-(\d+)(?:-(\d{1,2}))?(?:-|$)/.exec(id);
  if (m) return { family: m[1] as Family, version: Number(m[2]) + Number(m[3] ?? 0) / 100 };
  m = /^claude-(\d+)(?:-(\d{1,2}))?-(opus|sonnet|haiku)(?:-|$)/.exec(id);
  if (m) return { family: m[3] as Family, version: Number(m[1]) + Number(m[2] ?? 0) / 100 };
  return undefined;
}

/** The newest model of a family among the table and config ids. */
export function newestOf(family: Family, overrides: Record<string, ModelPrice> = {}): string | undefined {
  let best: { id: string; version: number } | undefined;
  for (const id of [...Object.keys(builtin), ...Object.keys(overrides)]) {
    const f = familyOf(id);
    if (f?.family === family && (!best || f.version > best.version)) best = { id, version: f.version };
  }
  return best?.id;
}

/** The stand-in price for a model with no exact one. */
export function estimate(model: string | undefined, overrides: Record<string, ModelPrice> = {}): Priced {
  const family = (model && familyOf(model)?.family) || 'opus';
  const basis = newestOf(family, overrides) ?? newestOf('opus', overrides)!;
  return { rates: knownPrice(basis, overrides)!.rates, source: 'estimated', basis };
}

/** The price to use for a model: exact, else learned from Claude Code, else the family estimate. */
export function priceModel(model: string | undefined, overrides: Record<string, ModelPrice> = {}, learned?: Rates): Priced {
  return knownPrice(model, overrides) ?? (learned ? { rates: learned, source: 'learned' } : estimate(model, overrides));
}

/** USD for a bundle of token counts at the given rates. */
export function costAt(m: Pick<MessageUsage, 'input' | 'output' | 'cacheWrite5m' | 'cacheWrite1h' | 'cacheRead'>, r: Rates): number {
  return (m.input * r.input + m.output * r.output + m.cacheWrite5m * r.cache_write_5m + m.cacheWrite1h * r.cache_write_1h + m.cacheRead * r.cache_read) / 1e6;
}

/** USD for one message at its exact price, or undefined when the model has none (callers then estimate). */
export function costOf(m: MessageUsage, overrides?: Record<string, ModelPrice>): number | undefined {
  const p = knownPrice(m.model, overrides);
  return p ? costAt(m, p.rates) : undefined;
}

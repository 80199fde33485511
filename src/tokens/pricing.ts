// List prices in USD per million tokens. A model missing here is reported as unpriced, never as
// free: config `pricing` adds or overrides models (same keys, same units).
import type { ModelPrice } from '../config/schema';
import type { MessageUsage } from './transcript';

export const PRICING_DATE = '2025-11-24';

export const builtinPricing: Record<string, ModelPrice> = {
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
};

/** Finds a model's price: exact id first, then without a date suffix (`-20250514`), then the longest known prefix. */
export function priceFor(model: string | undefined, overrides: Record<string, ModelPrice> = {}): ModelPrice | undefined {
  if (!model) return undefined;
  const table = { ...builtinPricing, ...overrides };
  if (table[model]) return table[model];
  const undated = model.replace(/-\d{8}$/, '').replace(/\[.*\]$/, '');
  if (table[undated]) return table[undated];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (undated.startsWith(key + '-') && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

/** USD for one message, or undefined when the model has no price. */
export function costOf(m: MessageUsage, overrides?: Record<string, ModelPrice>): number | undefined {
  const p = priceFor(m.model, overrides);
  if (!p) return undefined;
  // Anthropic's cache multipliers: writes 1.25x (5 min) or 2x (1 h) the input price, reads 0.1x.
  const w5 = p.cache_write_5m ?? p.input * 1.25;
  const w1 = p.cache_write_1h ?? p.input * 2;
  const r = p.cache_read ?? p.input * 0.1;
  return (m.input * p.input + m.output * p.output + m.cacheWrite5m * w5 + m.cacheWrite1h * w1 + m.cacheRead * r) / 1e6;
}

// The published JSON Schema is what editors show while a user writes a config: every setting in it,
// at every depth (budget entries, price entries, sections), carries a description.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '../..');

/** Dotted paths of every property in a JSON Schema that has no description. */
function undescribed(node: unknown, at = ''): string[] {
  if (node === null || typeof node !== 'object') return [];
  const n = node as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, sub] of Object.entries((n.properties as Record<string, unknown>) ?? {})) {
    const where = at ? `${at}.${key}` : key;
    if (typeof (sub as { description?: unknown }).description !== 'string' || !(sub as { description: string }).description.trim()) out.push(where);
    out.push(...undescribed(sub, where));
  }
  if (n.items) out.push(...undescribed(n.items, `${at}[]`));
  if (n.additionalProperties && typeof n.additionalProperties === 'object') out.push(...undescribed(n.additionalProperties, `${at}.<name>`));
  for (const k of ['anyOf', 'oneOf', 'allOf']) for (const alt of (n[k] as unknown[]) ?? []) out.push(...undescribed(alt, at));
  return out;
}

function propertyCount(node: unknown): number {
  if (node === null || typeof node !== 'object') return 0;
  const n = node as Record<string, unknown>;
  let count = 0;
  for (const sub of Object.values((n.properties as Record<string, unknown>) ?? {})) count += 1 + propertyCount(sub);
  if (n.items) count += propertyCount(n.items);
  if (n.additionalProperties && typeof n.additionalProperties === 'object') count += propertyCount(n.additionalProperties);
  return count;
}

describe('published config schema', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema/config.schema.json'), 'utf8'));

  it('describes every property, nested ones included', () => {
    // The walk reaches the nested settings (budget entries, breaker, core, prices), not just the top.
    expect(propertyCount(schema)).toBeGreaterThan(40);
    expect(undescribed(schema)).toEqual([]);
  });

  it('the walk finds a property without a description', () => {
    expect(undescribed({ properties: { a: { description: 'x', properties: { b: { type: 'number' } } }, c: { items: { properties: { d: {} } } } } })).toEqual(['a.b', 'c', 'c[].d']);
  });
});

// Writes src/runtime/tokens/prices/anthropic.json from the installed @pydantic/genai-prices (a maintained,
// versioned table of model prices). Run `npm run prices:refresh` after `npm install -D
// @pydantic/genai-prices@latest`; the JSON is committed so the hook bundle carries ~2 KB of prices
// instead of the 480 KB library, and a build never needs the network.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const prices = require('@pydantic/genai-prices');
const version = JSON.parse(readFileSync(new URL('../node_modules/@pydantic/genai-prices/package.json', import.meta.url), 'utf8')).version;

// The table's date is the day its package was published; offline, the day it was read.
function publishedOn() {
  try {
    const times = JSON.parse(execFileSync('npm', ['view', '@pydantic/genai-prices', 'time', '--json'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }));
    if (times[version]) return String(times[version]).slice(0, 10);
  } catch {}
  return new Date().toISOString().slice(0, 10);
}

/** A price as of today: the last conditional entry that has started, the base of a tiered price. */
function current(prices) {
  if (!Array.isArray(prices)) return prices;
  const today = new Date().toISOString().slice(0, 10);
  const started = prices.filter((p) => !p.constraint || p.constraint.type !== 'start_date' || p.constraint.start_date <= today);
  return (started.at(-1) ?? prices[0]).prices;
}
const base = (v) => (typeof v === 'number' ? v : typeof v?.base === 'number' ? v.base : undefined);

const provider = prices.findProvider({ providerId: 'anthropic' });
if (!provider) throw new Error('@pydantic/genai-prices has no anthropic provider');
const models = {};
for (const m of provider.models) {
  if (!/^claude-/.test(m.id)) continue;
  const p = current(m.prices);
  const row = {
    input: base(p.input_mtok),
    output: base(p.output_mtok),
    cache_write_5m: base(p.cache_write_mtok),
    cache_write_1h: base(p.cache_write_1h_mtok),
    cache_read: base(p.cache_read_mtok),
  };
  if (row.input === undefined || row.output === undefined) continue;
  for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
  // Aliases the table spells out exactly (`claude-opus-4` for `claude-opus-4-0`); prefix rules are
  // not copied: `claude-sonnet-5` must not price `claude-sonnet-5-5`, a different model.
  const aliases = [];
  const walk = (x) => {
    if (!x || typeof x !== 'object') return;
    if (typeof x.equals === 'string' && x.equals !== m.id) aliases.push(x.equals);
    for (const v of Object.values(x)) if (Array.isArray(v)) v.forEach(walk);
  };
  walk(m.match);
  models[m.id] = { ...row, ...(aliases.length ? { aliases: aliases.filter((a) => !/\d{8}$/.test(a)) } : {}) };
  if (!models[m.id].aliases?.length) delete models[m.id].aliases;
}
const out = { source: '@pydantic/genai-prices', version, date: publishedOn(), unit: 'USD per million tokens', models };
writeFileSync(new URL('../src/runtime/tokens/prices/anthropic.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
console.error(`${Object.keys(models).length} Claude models, ${out.source} ${version} (${out.date})`);

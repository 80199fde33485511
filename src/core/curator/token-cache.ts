// Listing-line token counts remembered across processes. Building the cl100k encoder costs ~260 ms
// and encoding 1,000 lines ~150 ms more; agent files rarely change, so a one-shot `core plan` on a
// known project needs neither. Keyed by a hash of the exact line; a pure cache (delete it freely),
// written only when a run counted lines it did not know.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { wardenHome } from '../../runtime/paths';
import { countTokens } from '../../runtime/tokens/count';
import { writeJsonAtomic } from './state-file';

const MAX_ENTRIES = 20_000;

export const defaultTokenCacheFile = () => join(wardenHome(), 'cache', 'listing-tokens.json');

export class TokenCache {
  private known: Map<string, number> | undefined;
  private readonly used = new Set<string>();
  private dirty = false;

  constructor(private readonly file: string | undefined) {}

  count(line: string): number {
    const key = createHash('sha256').update(line).digest('base64url').slice(0, 24);
    const known = this.load();
    this.used.add(key);
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    const tokens = countTokens(line);
    known.set(key, tokens);
    this.dirty = true;
    return tokens;
  }

  /** Saves what this process learned; keeps only this run's lines when the file grows too big. */
  flush(): void {
    if (!this.dirty || !this.file || !this.known) return;
    let entries = [...this.known];
    if (entries.length > MAX_ENTRIES) entries = entries.filter(([key]) => this.used.has(key));
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeJsonAtomic(this.file, Object.fromEntries(entries));
      this.dirty = false;
    } catch {
      // A cache we cannot write only costs time.
    }
  }

  private load(): Map<string, number> {
    if (this.known) return this.known;
    this.known = new Map();
    if (!this.file) return this.known;
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
      for (const [key, value] of Object.entries(data)) if (typeof value === 'number') this.known.set(key, value);
    } catch {
      // Missing or unreadable: start empty.
    }
    return this.known;
  }
}

const shared = new Map<string, TokenCache>();

/** One cache object per file per process, so the in-memory part is shared by every catalog run. */
export function tokenCacheFor(file: string | undefined): TokenCache {
  const key = file ?? '';
  let cache = shared.get(key);
  if (!cache) {
    cache = new TokenCache(file);
    shared.set(key, cache);
  }
  return cache;
}

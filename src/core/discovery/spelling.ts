// Typos in a task ("kuberntes", "accesibility", "borow checker"): a query word that no agent file
// uses and the synonym table does not know is replaced by the nearest word the collection does
// use, before stemming and synonyms (so the corrected word also reaches its table entry). Words
// the collection uses are taken as written: a typo that happens to be a real word stays.
import type SearchableMap from 'minisearch/SearchableMap';

// Loaded on first use, like MiniSearch itself (see ./rank.ts).
let SearchableMapClass: typeof SearchableMap | undefined;
const searchableMap = (): typeof SearchableMap => (SearchableMapClass ??= require('minisearch/SearchableMap') as typeof SearchableMap);

/** Words shorter than this are left alone: too many real words lie one edit from them. */
export const MIN_TYPO_LENGTH = 5;
/**
 * Longer words are left alone too: no word of a task runs this long, and the edit-distance search
 * allocates a table of (length)^2 cells, so a hostile 100,000-letter "word" would take gigabytes.
 */
export const MAX_TYPO_LENGTH = 40;

/** Edits allowed: one for a five-letter word, two from six letters (a swapped pair is two). */
export function maxEdits(word: string): number {
  return word.length >= 6 ? 2 : 1;
}

/** The surface words of a collection, with how many times each occurs. */
export class Vocabulary {
  private readonly counts = new Map<string, number>();
  // A radix tree for edit-distance lookups, built from the counts once all words are in (see
  // prepare): inserting word by word while indexing costs more.
  private tree: SearchableMap<number> | undefined;

  add(word: string): void {
    if (word.length < MIN_TYPO_LENGTH - 1) return;
    this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
    this.tree = undefined;
  }

  /** Builds the lookup tree now, so that no query pays for it (the index calls this once built). */
  prepare(): void {
    this.tree ??= searchableMap().from(this.counts);
  }

  has(word: string): boolean {
    return this.counts.has(word);
  }

  /**
   * The word meant, for one the collection does not use: the nearest known word, the most frequent
   * among equally near ones; undefined when none is near enough.
   */
  nearest(word: string): string | undefined {
    if (word.length < MIN_TYPO_LENGTH || word.length > MAX_TYPO_LENGTH || this.counts.has(word) || /\d/.test(word)) return undefined;
    this.prepare();
    let best: { word: string; distance: number; count: number } | undefined;
    for (const [candidate, [count, distance]] of this.tree!.fuzzyGet(word, maxEdits(word))) {
      // The first letter is rarely the one mistyped; holding it cuts most false friends.
      if (candidate[0] !== word[0]) continue;
      if (!best || distance < best.distance || (distance === best.distance && count > best.count)) best = { word: candidate, distance, count };
    }
    return best?.word;
  }
}

// Turning agent files and task descriptions into search terms, the same way on both sides:
// lower-case words, filler dropped, Porter stems (the `stemmer` package), and for queries the
// curated synonym and abbreviation table (./synonyms.json) on top.
import { stemmer } from 'stemmer';
import table from './synonyms.json';

// Words that say nothing about which specialist fits a task. Role words (expert, specialist,
// engineer) are filler too: every agent is one, and matching them only ranks by name shape.
const STOPWORDS = new Set(
  (
    'a an and are as at be but by can could do does for from has have help how i if in into is it its just me my need needs of on or our ' +
    'please should so some that the their them then there these this those to up us use used uses using via want we what when where which ' +
    'who why will with without would you your agent agents expert experts expertise specialist specialists specializing specializes task ' +
    'tasks work proactively proactive master masters mastering best practices practice senior elite highly comprehensive advanced ' +
    'modern world class robust etc e g ie eg also all any each other more most very new get make look over before after ' +
    'stuff thing things feel feels keep keeps going off out one like'
  ).split(' '),
);

/** Plain lower-case words: `C++`, `C#`, `.NET` and `Node.js` keep their identity. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/c\+\+/g, 'cpp')
    .replace(/c#/g, 'csharp')
    .replace(/\.net\b/g, 'dotnet')
    .replace(/\b([a-z]+)\.(js|ts)\b/g, '$1$2')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** One word as an index term: undefined for filler; stems for longer words. */
export function term(word: string): string | undefined {
  // Single letters are noise, except the languages named by one.
  if ((word.length < 2 && word !== 'c' && word !== 'r') || STOPWORDS.has(word)) return undefined;
  return word.length <= 3 ? word : stemmer(word);
}

export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = term(w);
    if (t) out.push(t);
  }
  return out;
}

/** Weight of a word that came from the synonym table rather than from the user. */
export const SYNONYM_WEIGHT = 0.7;
/** Weight of the user's own words inside a matched phrase ("first" in "tests first"). */
export const PHRASE_WORD_WEIGHT = 0.3;

interface SynonymTable {
  single: Map<string, string[]>;
  phrases: Array<{ words: string[]; adds: string[] }>;
}

let compiled: SynonymTable | undefined;

function synonymTable(): SynonymTable {
  if (compiled) return compiled;
  const single = new Map<string, string[]>();
  const phrases: SynonymTable['phrases'] = [];
  for (const [key, value] of Object.entries((table as { terms: Record<string, string> }).terms)) {
    const keyWords = words(key);
    const adds = words(value);
    if (keyWords.length === 0 || adds.length === 0) continue;
    if (keyWords.length === 1 && !/[^a-z0-9]/.test(key)) single.set(keyWords[0]!, adds);
    else phrases.push({ words: keyWords, adds });
  }
  compiled = { single, phrases };
  return compiled;
}

export interface SynonymMatch {
  /** The query words that matched a key (one word, or a phrase). */
  from: string[];
  /** The words the table adds for them, before stemming. */
  adds: string[];
}

/** The synonym table's entries that a query matches, single words first, then phrases. */
export function synonymMatches(query: string): SynonymMatch[] {
  const { single, phrases } = synonymTable();
  const ws = words(query);
  const matches: SynonymMatch[] = [];
  for (const w of ws) {
    const adds = single.get(w);
    if (adds) matches.push({ from: [w], adds });
  }
  const joined = ` ${ws.join(' ')} `;
  for (const p of phrases) if (joined.includes(` ${p.words.join(' ')} `)) matches.push({ from: p.words, adds: p.adds });
  return matches;
}

/**
 * A query as weighted terms. The user's own words weigh 1; what the synonym table adds weighs
 * SYNONYM_WEIGHT, or 1 when the words it stands for are unknown to the index (an abbreviation such
 * as "k8s" that no agent file uses: the expansion is then all the user said). Words of a matched
 * phrase ("tests first") weigh PHRASE_WORD_WEIGHT themselves: the phrase, not "first", is the point.
 */
export function queryTerms(query: string, known: (term: string) => boolean = () => true): Map<string, number> {
  const weights = new Map<string, number>();
  const matches = synonymMatches(query);
  const phraseWords = new Set(matches.filter((m) => m.from.length > 1).flatMap((m) => m.from));
  for (const w of words(query)) {
    const t = term(w);
    if (t) weights.set(t, Math.max(weights.get(t) ?? 0, phraseWords.has(w) ? PHRASE_WORD_WEIGHT : 1));
  }
  for (const m of matches) {
    const unknown = m.from.every((w) => {
      const t = term(w);
      return !t || !known(t);
    });
    for (const w of m.adds) {
      const t = term(w);
      if (!t) continue;
      const weight = unknown ? 1 : SYNONYM_WEIGHT;
      if ((weights.get(t) ?? 0) < weight) weights.set(t, weight);
    }
  }
  return weights;
}

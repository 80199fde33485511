// Turning agent files and task descriptions into search terms, the same way on both sides:
// lower-case words, filler dropped, Porter stems (the `stemmer` package), and for queries the
// curated synonym and abbreviation table (./synonyms.json) and the technology fingerprints
// (./technologies.json: a technology's jargon brings its name) on top.
import { stemmer } from 'stemmer';
import table from './synonyms.json';
import technologies from './technologies.json';
import stemExceptions from './stem-exceptions.json';

// Words that say nothing about which specialist fits a task. Role words (expert, specialist,
// engineer) are filler too: every agent is one, and matching them only ranks by name shape.
const STOPWORDS = new Set(
  (
    'a an and are as at be but by can could do does for from has have help how i if in into is it its just me my need needs of on or our ' +
    'please should so some that the their them then there these this those to up us use used uses using via want we what when where which ' +
    'who why will with without would you your agent agents expert experts expertise specialist specialists specializing specializes task ' +
    'tasks work proactively proactive master masters mastering best practices practice senior elite highly comprehensive advanced ' +
    'modern world class robust etc e g ie eg also all any each other more most very new get make look over before after ' +
    'stuff thing things feel feels keep keeps going off out one like ' +
    // Round 3: what users add around the subject ("no tests", "the same rows", "every time", "don't").
    'no not two three same every again still since don doesn isn aren won wasn didn' +
    // Round 5: inflections of filler verbs, which a stem would otherwise bring back ("makes" is "make"),
    // and "first" ("on first load", "build it first"), which names no specialist.
    ' makes made making gets getting got kept looks looking first'
  ).split(' '),
);

/** Plain lower-case words: `C++`, `C#`, `.NET` and `Node.js` keep their identity; `200ms` and `1.2s` read as latency. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/c\+\+/g, 'cpp')
    .replace(/c#/g, 'csharp')
    .replace(/\.net\b/g, 'dotnet')
    .replace(/\b([a-z]+)\.(js|ts)\b/g, '$1$2')
    // A duration in milliseconds ("went from 200ms to 900ms") is a latency.
    .replace(/\b\d+(?:\.\d+)?\s?ms\b/g, ' latency ')
    // So is one in seconds ("1.2s", "takes 6 seconds").
    .replace(/\b\d+(?:\.\d+)?(?:s|\s?secs?|\s?seconds)\b/g, ' latency ')
    // A metric "down 40%" has declined; nothing is down in the sense of an outage.
    .replace(/\bdown\s+(?:by\s+)?~?\d+(?:\.\d+)?\s?%/g, ' decline ')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** One word as an index term: undefined for filler; stems for longer words. */
export function term(word: string): string | undefined {
  // Single letters are noise, except the languages named by one.
  if ((word.length < 2 && word !== 'c' && word !== 'r') || STOPWORDS.has(word)) return undefined;
  return word.length <= 3 ? word : (KEEP[word] ?? stemmer(word));
}

// Porter stems that would merge two different things (production and product): see ./stem-exceptions.json.
const KEEP: Record<string, string | undefined> = Object.assign(Object.create(null) as Record<string, string>, stemExceptions.words);

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

/**
 * Weight of a technology's name brought by its jargon (./technologies.json), relative to what a
 * `related` synonym would bring: jargon says which stack a task is on, not what the task is.
 */
export const TECHNOLOGY_WEIGHT = 1;

interface SynonymFile {
  abbreviations: Record<string, string>;
  related: Record<string, string>;
}

interface TechnologyFile {
  technologies: Array<{ name: string; adds: string; jargon: string[] }>;
}

interface Entry {
  words: string[];
  adds: string[];
  /** An abbreviation: the expansion means exactly what the user typed. */
  exact: boolean;
  /** From ./technologies.json: the technology's name for a word or phrase of its jargon. */
  technology?: boolean;
}

interface SynonymTable {
  single: Map<string, Entry>;
  /** Phrases by their first word: a query is matched against the few that start with each of its words. */
  phrases: Map<string, Entry[]>;
  /** Every word of every key. */
  keyWords: Set<string>;
  /**
   * Words that are not typos wherever they stand: single-word keys and the words of the synonym
   * table's phrases. A word of a technology phrase ("asp.net core") only where the phrase is matched
   * (see phraseWords): alone it may be a typo of a word the agents use.
   */
  known: Set<string>;
}

let compiled: SynonymTable | undefined;
/** A key that words() would return as it is: lower-case words and digits, one space apart. */
const PLAIN = /^[a-z][a-z0-9]*( [a-z][a-z0-9]*)*$/;

function synonymTable(): SynonymTable {
  if (compiled) return compiled;
  const file = table as SynonymFile;
  const single = new Map<string, Entry>();
  const phrases = new Map<string, Entry[]>();
  const addPhrase = (entry: Entry): void => {
    const bucket = phrases.get(entry.words[0]!);
    if (bucket) bucket.push(entry);
    else phrases.set(entry.words[0]!, [entry]);
  };
  for (const [section, exact] of [
    [file.related, false],
    [file.abbreviations, true],
  ] as const) {
    for (const [key, value] of Object.entries(section)) {
      const entry = { words: words(key), adds: words(value), exact };
      if (entry.words.length === 0 || entry.adds.length === 0) continue;
      if (entry.words.length === 1 && !/[^a-z0-9]/.test(key)) single.set(entry.words[0]!, entry);
      else addPhrase(entry);
    }
  }
  const known = new Set([...single.keys(), ...[...phrases.values()].flat().flatMap((p) => p.words)]);
  // A technology's jargon the synonym table already has keeps its meaning there.
  const taken = new Set([...single.keys(), ...[...phrases.values()].flat().map((p) => p.words.join(' '))]);
  for (const tech of (technologies as TechnologyFile).technologies) {
    const adds = words(tech.adds);
    for (const key of tech.jargon) {
      // Most jargon is plain words already; words() (regular expressions) only for the rest.
      const entry = { words: PLAIN.test(key) ? key.split(' ') : words(key), adds, exact: false, technology: true };
      if (entry.words.length === 0 || taken.has(entry.words.join(' '))) continue;
      taken.add(entry.words.join(' '));
      if (entry.words.length === 1 && !/[^a-z0-9]/.test(key)) single.set(entry.words[0]!, entry);
      else addPhrase(entry);
    }
  }
  const keyWords = new Set([...single.keys(), ...[...phrases.values()].flat().flatMap((p) => p.words)]);
  for (const w of single.keys()) known.add(w);
  compiled = { single, phrases, keyWords, known };
  return compiled;
}

/**
 * What an abbreviation in an agent name stands for (`golang` → `go`, `ml` → `machine learning`),
 * so names are compared by meaning; undefined for any other word.
 */
export function nameSynonym(word: string): string[] | undefined {
  const entry = synonymTable().single.get(word);
  return entry?.exact ? entry.adds : undefined;
}

/** Whether a word is (part of) a key of the synonym table: such a word is not a typo. */
export function tableWord(word: string): boolean {
  return synonymTable().known.has(word);
}

/** The words of a query that are part of a phrase the table matches in it ("asp.net core"): not typos there. */
export function phraseWords(query: string): Set<string> {
  return new Set(synonymMatches(query).flatMap((m) => (m.from.length > 1 ? m.from : [])));
}

export interface SynonymMatch {
  /** The query words that matched a key (one word, or a phrase). */
  from: string[];
  /** The words the table adds for them, before stemming. */
  adds: string[];
  exact: boolean;
  /** A technology's name for its jargon (./technologies.json), not a synonym. */
  technology?: boolean;
}

/**
 * The synonym table's entries that a query matches, single words first, then phrases. A phrase
 * decides what its words mean: a word inside a matched phrase does not also bring its own entry
 * ("sql injection" is a security hole, not a database task; "npm audit" is about dependencies, and
 * "audit" alone would read as a security audit), so the words around an ambiguous one choose its sense.
 */
export function synonymMatches(query: string): SynonymMatch[] {
  const { single, phrases, keyWords } = synonymTable();
  // A key matches its plural ("deadlocks", "pods"): a word the table does not have, whose singular it has.
  const ws = words(query).map((w) => {
    if (keyWords.has(w) || !w.endsWith('s')) return w;
    const singular = [w.slice(0, -1), w.slice(0, -2)].find((s) => s.length >= 2 && keyWords.has(s));
    return singular ?? w;
  });
  const found = new Set<Entry>();
  ws.forEach((w, i) => {
    for (const p of phrases.get(w) ?? []) if (p.words.every((pw, k) => ws[i + k] === pw)) found.add(p);
  });
  const phraseMatches: SynonymMatch[] = [...found].map((p) => ({ from: p.words, adds: p.adds, exact: p.exact, technology: p.technology }));
  // A shorter phrase inside a longer matched one yields to it too ("regression test" in "visual regression test").
  // A technology phrase only decides among the technology table's own entries: it adds a stack's
  // name to what the user said and takes no meaning away ("dbt models" keeps all "dbt" means).
  const covers = (o: SynonymMatch, m: SynonymMatch) =>
    (!o.technology || !!m.technology) && o.from.length > m.from.length && ` ${o.from.join(' ')} `.includes(` ${m.from.join(' ')} `);
  const longest = phraseMatches.filter((m) => !phraseMatches.some((o) => covers(o, m)));
  const inPhrase = new Set(longest.filter((m) => !m.technology).flatMap((m) => m.from));
  const inTechPhrase = new Set(longest.flatMap((m) => m.from));
  const matches: SynonymMatch[] = [];
  for (const w of ws) {
    const entry = single.get(w);
    if (entry && !(entry.technology ? inTechPhrase : inPhrase).has(w)) matches.push({ from: [w], adds: entry.adds, exact: entry.exact, technology: entry.technology });
  }
  return [...matches, ...longest];
}

/**
 * A query as weighted terms. The user's own words weigh 1; what the synonym table adds weighs
 * SYNONYM_WEIGHT, or 1 for an abbreviation or when the words it stands for are unknown to the index (an abbreviation such
 * as "k8s" that no agent file uses: the expansion is then all the user said). Words of a matched
 * phrase ("tests first") weigh PHRASE_WORD_WEIGHT themselves: the phrase, not "first", is the point.
 */
export function queryTerms(query: string, known: (term: string) => boolean = () => true): Map<string, number> {
  return queryConcepts(query, known).weights;
}

export interface QueryConcepts {
  /** Every search term with its weight (see queryTerms). */
  weights: Map<string, number>;
  /**
   * What the user asked about, one entry per thing: a word of theirs with what the table adds for
   * it ("k8s" with "kubernetes"), or a matched phrase as one ("tests first"). Discovery prefers the
   * agent that covers more of them over one that matches a single word strongly.
   */
  concepts: Array<Set<string>>;
  /** How much each concept counts (parallel to concepts): 1, or less for one only a context phrase names (see `context`). */
  conceptWeights: number[];
}

/**
 * `context`, when given, weighs each word of words(query) (contextWords in ./intent.ts: 1 for the
 * task's action and method, less in a phrase that only says where or when, "on our support
 * tickets"): a word, what the table adds for it and its concept are scaled by it, unless no word of
 * weight 1 is one the index or the table knows (then the context is all the user said).
 */
export function queryConcepts(query: string, known: (term: string) => boolean = () => true, context?: readonly number[]): QueryConcepts {
  const weights = new Map<string, number>();
  const all = words(query);
  // The factor of each of the user's terms: its largest weight in the parse.
  const factor = new Map<string, number>();
  if (context && context.length === all.length) {
    const main = all.some((w, i) => {
      const t = term(w);
      return context[i] === 1 && !!t && (known(t) || tableWord(w));
    });
    if (main) {
      all.forEach((w, i) => {
        const t = term(w);
        if (t) factor.set(t, Math.max(factor.get(t) ?? 0, context[i]!));
      });
    }
  }
  const factorOf = (t: string | undefined) => (t ? (factor.get(t) ?? 1) : 1);
  // One concept per distinct term of the user's; a phrase, or a word an entry expands, merges in.
  const conceptOf = new Map<string, Set<string>>();
  const merge = (keys: string[], adds: string[]): void => {
    const merged = new Set<string>(adds);
    const old = new Set<Set<string>>();
    for (const k of keys) {
      const c = conceptOf.get(k);
      if (c) old.add(c);
    }
    for (const c of old) for (const t of c) merged.add(t);
    for (const [k, c] of conceptOf) if (old.has(c)) conceptOf.set(k, merged);
    for (const k of keys) conceptOf.set(k, merged);
  };
  const matches = synonymMatches(query);
  const phraseWords = new Set(matches.filter((m) => m.from.length > 1).flatMap((m) => m.from.map((w) => term(w) ?? w)));
  for (const w of all) {
    const t = term(w);
    if (!t) continue;
    weights.set(t, Math.max(weights.get(t) ?? 0, (phraseWords.has(t) ? PHRASE_WORD_WEIGHT : 1) * factorOf(t)));
    if (!conceptOf.has(t)) conceptOf.set(t, new Set([t]));
  }
  for (const m of matches) {
    const unknown = m.from.every((w) => {
      const t = term(w);
      return !t || !known(t);
    });
    const inContext = Math.min(...m.from.map((w) => factorOf(term(w))));
    const weight = (m.technology ? TECHNOLOGY_WEIGHT : m.exact || unknown || m.from.length > 1 ? 1 : SYNONYM_WEIGHT) * inContext;
    const added: string[] = [];
    for (const w of m.adds) {
      const t = term(w);
      if (!t) continue;
      added.push(t);
      if ((weights.get(t) ?? 0) < weight) weights.set(t, weight);
    }
    const keys = m.from.map(term).filter((t): t is string => !!t);
    // A key that is all filler ("it") still names a concept: its expansion.
    merge(keys.length > 0 ? keys : [`\u0000${m.from.join(' ')}`], added);
  }
  // A concept counts as much as the weightiest of the user's words behind it (fully when any is outside a context phrase).
  const weightOf = new Map<Set<string>, number>();
  for (const [k, c] of conceptOf) weightOf.set(c, Math.max(weightOf.get(c) ?? 0, k.startsWith('\u0000') ? 1 : factorOf(k)));
  const concepts = [...weightOf.keys()];
  return { weights, concepts, conceptWeights: concepts.map((c) => weightOf.get(c)!) };
}

// Ranks agents for a task description on MiniSearch (BM25 with field boosts, prefix and fuzzy
// terms), with the terms of ./text.ts (stems, synonyms), an optional usage prior (./usage-prior.ts)
// and near-duplicates folded into one result (./near-duplicates.ts). Build an AgentIndex once per
// collection and query it many times; rankDocs is the one-shot form.
import type MiniSearch from 'minisearch';
import { fingerprint, groupNearDuplicates, type Fingerprint } from './near-duplicates';
import { Vocabulary } from './spelling';
import { agentProfile, contextWords, intentFactor, queryIntent, type AgentProfile } from './intent';
import { phraseWords, queryConcepts, SYNONYM_WEIGHT, tableWord, term, terms, words } from './text';

// Loaded on first use: the command hook bundles this file for the rare did-you-mean path, and
// every hook process would otherwise compile MiniSearch at start (scripts/build.mjs lazyVendor).
let MiniSearchClass: typeof MiniSearch | undefined;
const miniSearch = (): typeof MiniSearch => (MiniSearchClass ??= require('minisearch') as typeof MiniSearch);

export interface RankDoc {
  name: string;
  description: string;
  body: string;
  category?: string;
  tools?: string[];
}

export interface Ranked<D> {
  doc: D;
  score: number;
  /** Near-duplicates of `doc` (same role, another plugin or collection), best first. */
  also: D[];
}

export interface RankOptions {
  limit?: number;
  /** A factor ≥ 1 per agent name from this project's own history; see ./usage-prior.ts. */
  prior?: (name: string) => number;
}

// Tuned on bench/recall/tuning.json (see README "Discovery"): the name says the role, the
// description and the body's first paragraph say what it is for; the rest of the body mentions
// many things in passing and only breaks ties.
export const FIELD_BOOSTS = { name: 5, description: 2, intro: 1, category: 1, tools: 0.3, rest: 0.3 } as const;
const FIELDS = Object.keys(FIELD_BOOSTS) as Array<keyof typeof FIELD_BOOSTS>;
const REST_CHARS = 6000;

interface IndexedFields {
  id: number;
  name: string;
  description: string;
  intro: string;
  category: string;
  tools: string;
  rest: string;
}

export class AgentIndex<D extends RankDoc> {
  private readonly search: MiniSearch<IndexedFields>;
  private readonly prints: Fingerprint[];
  /** What each agent's name says about its kind of work and platform (./intent.ts). */
  private readonly profiles: AgentProfile[];
  /**
   * Every term in the index with the number of agents that use it: to tell an abbreviation no agent
   * uses from a real word, and a word one agent uses from a common one.
   */
  private readonly vocabulary = new Map<string, number>();
  /** While indexing: the agent being indexed, and the last agent each term was counted for. */
  private indexing = -1;
  private readonly lastCounted = new Map<string, number>();
  /** Every word as written, to correct a query's typos against (./spelling.ts). */
  private readonly spelling = new Vocabulary();

  constructor(readonly docs: readonly D[]) {
    const Search = miniSearch();
    this.search = new Search<IndexedFields>({
      fields: FIELDS,
      tokenize: words,
      // MiniSearch reads a document's id before its fields: which agent the terms that follow are from.
      extractField: (doc, field) => {
        if (field === 'id') this.indexing = doc.id;
        return doc[field as keyof IndexedFields] as string;
      },
      processTerm: (w) => {
        this.spelling.add(w);
        const t = term(w);
        if (t && this.lastCounted.get(t) !== this.indexing) {
          this.lastCounted.set(t, this.indexing);
          this.vocabulary.set(t, (this.vocabulary.get(t) ?? 0) + 1);
        }
        return t ?? null;
      },
      searchOptions: { boost: { ...FIELD_BOOSTS } },
    });
    this.search.addAll(docs.map((doc, id) => fieldsOf(doc, id)));
    this.lastCounted.clear();
    this.spelling.prepare();
    this.prints = docs.map((doc) => fingerprint(doc));
    this.profiles = docs.map((doc) => agentProfile(doc.name));
  }

  rank(query: string, opts: RankOptions = {}): Ranked<D>[] {
    const limit = Math.max(1, opts.limit ?? 10);
    const corrected = this.correctSpelling(query);
    // What the task asks for beyond its nouns (./intent.ts): its intents, and the parse that weighs
    // its object and circumstances below its action. The parse needs the punctuation as typed;
    // spelling corrections replace words one for one, so it lines up with the corrected words.
    // The intent is read from the task's own words (outside context phrases), then weighs them.
    const intent = queryIntent(corrected, contextWords(query));
    const { weights: weighted, concepts, conceptWeights } = queryConcepts(corrected, (t) => this.vocabulary.has(t), contextWords(query, intent));
    if (weighted.size === 0 || this.docs.length === 0) return [];
    // What the intent adds ("how do I decide" is prioritisation): one concept each, weighed like the table's additions.
    for (const add of intent.adds) {
      const added = terms(add).filter((t) => this.vocabulary.has(t));
      if (added.length === 0) continue;
      for (const t of added) weighted.set(t, Math.max(weighted.get(t) ?? 0, SYNONYM_WEIGHT));
      concepts.push(new Set(added));
      conceptWeights.push(1);
    }
    const hits = this.search.search([...weighted.keys()].join(' '), {
      // The query is already terms: split on spaces, no second stemming.
      tokenize: (q) => q.split(' '),
      processTerm: (t) => t,
      boostTerm: (t) => (weighted.get(t) ?? 1) * this.specificity(t),
      prefix: (t) => t.length >= 4,
      // Typos are corrected before (correctSpelling): fuzzing every term only pulls in neighbours.
      fuzzy: false,
      weights: { prefix: 0.5, fuzzy: 0 },
      combineWith: 'OR',
    });
    const scored = hits.map((h) => {
      // MiniSearch multiplies a document's summed term scores by the number of query terms it
      // matched; what it matched is counted here by concept instead (see coverage).
      const perTerm = h.score / Math.max(1, h.queryTerms.length);
      const id = h.id as number;
      const score =
        perTerm * coverage(concepts, h.queryTerms, h.match, conceptWeights) * intentFactor(this.profiles[id]!, intent) * (opts.prior?.(this.docs[id]!.name) ?? 1);
      return { id, score };
    });
    scored.sort((a, b) => b.score - a.score || (this.docs[a.id]!.name < this.docs[b.id]!.name ? -1 : 1));
    return groupNearDuplicates(scored, (s) => this.prints[s.id]!, limit).map((g) => ({
      doc: this.docs[g.first.id]!,
      score: g.first.score,
      also: g.also.map((s) => this.docs[s.id]!),
    }));
  }

  /**
   * What a query term weighs beyond its own weight: RARE_TERM_FACTOR for a word only one agent uses
   * ("cypher", "genserver"), which names that agent's speciality more surely than a word many use;
   * BM25 rates a word by how rare it is in each field, so a word rare overall but only in a body
   * would otherwise count as little as any passing mention. Numbers and short stems are left alone.
   */
  private specificity(t: string): number {
    return t.length >= RARE_TERM_MIN_LENGTH && this.vocabulary.get(t) === 1 && !/\d/.test(t) ? RARE_TERM_FACTOR : 1;
  }

  /** The query with each word no agent file and no synonym key knows replaced by its nearest known spelling. */
  correctSpelling(query: string): string {
    let changed = false;
    const inPhrase = phraseWords(query);
    const fixed = words(query).map((w) => {
      // A word whose stem the index knows is a form of a word the agents use ("killed", "makes"),
      // not a typo: correcting it to the nearest surface word ("killers") changes its meaning.
      const t = term(w);
      if (!t || tableWord(w) || inPhrase.has(w) || this.vocabulary.has(t)) return w;
      const near = this.spelling.nearest(w);
      if (near) changed = true;
      return near ?? w;
    });
    return changed ? fixed.join(' ') : query;
  }
}

/** How much more a term only one agent uses weighs (see AgentIndex.specificity), and how long its stem must be. */
export const RARE_TERM_FACTOR = 2;
export const RARE_TERM_MIN_LENGTH = 5;

/** A concept only the body past its first paragraph mentions (or the tools) counts this much. */
export const PASSING_MENTION = 0.5;
const STRONG_FIELDS = new Set<string>(['name', 'description', 'intro', 'category']);

/**
 * How many of the query's concepts an agent covers. A concept is one thing the user asked about,
 * with what the synonym table adds for it: "ci/cd" expanded to four terms is still one concept, so
 * an agent matching the expansion does not outweigh one that matches the user's other words. It
 * counts fully when one of its terms (or a word that term is a prefix of) is in the agent's name,
 * description or first paragraph, PASSING_MENTION when only the rest of the file mentions it.
 */
export function coverage(concepts: Array<Set<string>>, matchedQueryTerms: readonly string[], match: Record<string, string[]>, weights?: readonly number[]): number {
  const matched = new Set(matchedQueryTerms);
  let covered = 0;
  for (const [i, c] of concepts.entries()) {
    let best = 0;
    for (const q of c) {
      if (!matched.has(q)) continue;
      best = PASSING_MENTION;
      const strong = Object.entries(match).some(([docTerm, fields]) => docTerm.startsWith(q) && fields.some((f) => STRONG_FIELDS.has(f)));
      if (strong) {
        best = 1;
        break;
      }
    }
    covered += best * (weights?.[i] ?? 1);
  }
  // Every hit matched some query term; the floor only guards a term outside every concept.
  return Math.max(covered, PASSING_MENTION);
}

/** Ranks once, building a throw-away index (the CLI, tests); servers keep an AgentIndex. */
export function rankDocs<D extends RankDoc>(docs: readonly D[], query: string, limit = 10, opts: Omit<RankOptions, 'limit'> = {}): Ranked<D>[] {
  return new AgentIndex(docs).rank(query, { ...opts, limit });
}

function fieldsOf(doc: RankDoc, id: number): IndexedFields {
  const examples: string[] = [];
  const description = doc.description
    .replaceAll('\\n', '\n')
    .replace(/<example>([\s\S]*?)(<\/example>|$)/gi, (_m, inner: string) => {
      examples.push(inner);
      return ' ';
    });
  const { intro, rest } = splitBody(doc.body);
  return {
    id,
    name: doc.name.replace(/[-_:.]/g, ' '),
    description,
    intro,
    category: (doc.category ?? '').replace(/[-_&]/g, ' '),
    tools: (doc.tools ?? []).join(' '),
    rest: `${examples.join(' ')} ${rest}`.slice(0, REST_CHARS),
  };
}

/** The body's first paragraph of prose (headings skipped), and the rest. */
export function splitBody(body: string): { intro: string; rest: string } {
  const paragraphs = body.split(/\n\s*\n/);
  const at = paragraphs.findIndex((p) => {
    const text = p.trim();
    return text.length > 0 && !/^#/.test(text) && !/^-{3,}$/.test(text);
  });
  if (at === -1) return { intro: '', rest: body };
  return { intro: paragraphs[at]!.slice(0, 1200), rest: paragraphs.slice(at + 1).join('\n\n') };
}

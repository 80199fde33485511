// Near-duplicates: the same role shipped twice (by two plugins or collections: `python-pro` and
// `python-expert`, `code-reviewer` and `code-reviewer-pro`, `acme:backend-architect` and
// `tools:backend-architect`). Discovery shows each role once, with the others as "also: …", so the
// top results are different roles. Judged on names and descriptions only, both cheap to compare.
import { nameSynonym, term, terms, words } from './text';

// Words that say what kind of agent it is, not which role: they do not tell roles apart.
const ROLE_WORDS = new Set(
  ['pro', 'expert', 'specialist', 'developer', 'engineer', 'dev', 'agent', 'master', 'guru', 'wizard', 'helper', 'assistant', 'consultant'].map(
    (w) => terms(w)[0] ?? w,
  ),
);

export interface Fingerprint {
  /** The name below any plugin namespace (`acme:reviewer` → `reviewer`). */
  base: string;
  nameTerms: Set<string>;
  descTerms: Set<string>;
}

export function fingerprint(agent: { name: string; description: string }): Fingerprint {
  const base = agent.name.slice(agent.name.lastIndexOf(':') + 1).toLowerCase();
  // Abbreviations in names read as what they stand for: `golang-pro` and `go-expert`, `ml-engineer`
  // and `machine-learning-engineer`.
  const nameWords = words(base).flatMap((w) => nameSynonym(w) ?? [w]);
  const nameTerms = new Set(nameWords.map(term).filter((t): t is string => !!t && !ROLE_WORDS.has(t)));
  const plain = agent.description.replace(/<example>[\s\S]*?(<\/example>|$)/gi, ' ').slice(0, 600);
  return { base, nameTerms, descTerms: new Set(terms(plain)) };
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/**
 * Two agents are near-duplicates when their names coincide below the namespace, when their names
 * say the same role (role words aside) and their descriptions overlap somewhat, or when their
 * descriptions nearly coincide whatever the names.
 */
export function nearDuplicates(a: Fingerprint, b: Fingerprint): boolean {
  if (a.base === b.base) return true;
  const names = jaccard(a.nameTerms, b.nameTerms);
  const descs = jaccard(a.descTerms, b.descTerms);
  if (names === 1) return descs >= 0.05;
  if (names >= 0.6) return descs >= 0.1;
  if (names >= 0.5) return descs >= 0.3;
  return descs >= 0.6;
}

export interface Group<T> {
  first: T;
  also: T[];
}

/**
 * Folds a ranked list into groups of near-duplicates, in rank order: each item joins the first
 * group whose leading item it duplicates, else starts a group. Stops once `limit` groups are full
 * enough to know their members among the items given.
 */
export function groupNearDuplicates<T>(ranked: T[], print: (item: T) => Fingerprint, limit: number): Group<T>[] {
  const groups: Array<Group<T> & { fp: Fingerprint }> = [];
  for (const item of ranked) {
    const fp = print(item);
    const home = groups.find((g) => nearDuplicates(g.fp, fp));
    if (home) home.also.push(item);
    else if (groups.length < limit) groups.push({ first: item, also: [], fp });
  }
  return groups.map(({ first, also }) => ({ first, also }));
}

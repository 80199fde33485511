// Ranks agents for a task description: BM25 over weighted fields (BM25F-style: the name counts
// most, then category and description, then the body). Pure and small, so the server can rank on
// every call without an index to keep fresh.

export interface RankDoc {
  name: string;
  description: string;
  body: string;
  category?: string;
}

export interface Ranked<D> {
  doc: D;
  score: number;
}

const FIELD_WEIGHTS = { name: 3, category: 2, description: 2, body: 1 } as const;
const K1 = 1.2;
const B = 0.75;

// Words that say nothing about which specialist fits a task.
const STOPWORDS = new Set(
  'a an and are as at be but by can do for from has have help how i in into is it its me my need of on or our please so some that the their them then there these this to up use used using want we when which who will with without you your agent agents expert specialist task tasks work'.split(' '),
);

/** Lower-case word stems: a light suffix strip so "designer", "designing" and "design" meet. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of text.toLowerCase().split(/[^a-z0-9+#]+/)) {
    if (word.length < 2 || STOPWORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}

export function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const [suffix, replacement] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length) + replacement;
  }
  return word;
}

const SUFFIXES: Array<[string, string]> = [
  ['ments', ''],
  ['ment', ''],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['ities', ''],
  ['ity', ''],
  ['ers', ''],
  ['er', ''],
  ['ing', ''],
  ['ies', 'y'],
  ['ied', 'y'],
  ['ed', ''],
  ['es', ''],
  ['s', ''],
];

interface Indexed<D> {
  doc: D;
  tf: Map<string, number>;
  length: number;
}

export function rankDocs<D extends RankDoc>(docs: D[], query: string, limit = 10): Ranked<D>[] {
  const q = [...new Set(terms(query))];
  if (q.length === 0 || docs.length === 0) return [];
  const indexed: Indexed<D>[] = docs.map((doc) => {
    const tf = new Map<string, number>();
    let length = 0;
    for (const field of Object.keys(FIELD_WEIGHTS) as Array<keyof typeof FIELD_WEIGHTS>) {
      const text = field === 'name' ? doc.name.replace(/[-_:]/g, ' ') : (doc[field] ?? '');
      for (const t of terms(text)) {
        tf.set(t, (tf.get(t) ?? 0) + FIELD_WEIGHTS[field]);
        length += FIELD_WEIGHTS[field];
      }
    }
    return { doc, tf, length };
  });
  const avgLength = indexed.reduce((sum, d) => sum + d.length, 0) / indexed.length || 1;
  const df = new Map<string, number>();
  for (const t of q) df.set(t, indexed.filter((d) => d.tf.has(t)).length);
  const n = indexed.length;
  const scored = indexed.map((d) => {
    let score = 0;
    for (const t of q) {
      const f = d.tf.get(t);
      if (!f) continue;
      const idf = Math.log(1 + (n - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
      score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / avgLength));
    }
    return { doc: d.doc, score };
  });
  return scored
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || (a.doc.name < b.doc.name ? -1 : 1))
    .slice(0, Math.max(1, limit));
}

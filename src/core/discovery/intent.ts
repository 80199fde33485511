// What a task asks for beyond its nouns, from the data in ./intent.json:
//  - a shallow parse: the words of a phrase that only says where or when ("on our support tickets",
//    "for the admin panel", "after tuesday's deploy") weigh less than the task's action and method;
//  - intents: a symptom ("hangs", "spinner forever"), a slowdown, docs to write, copy to sell, a thing
//    to build; an agent whose name says it does that kind of work is boosted, one whose kind of work
//    the task does not want (a copywriter for a hanging page) is scaled down;
//  - platforms: a task that names the web and not mobile ranks `react-native-expert` below `react-pro`.
// All of it is a linear scan of the query's words and of each agent's name (once, at index build).
import data from './intent.json';
import { term, words } from './text';

interface IntentData {
  context: {
    weight: number;
    symptomObjectWeight: number;
    absentWeight: number;
    clauseMarkers: string[];
    clauseEnds: string[];
    absent: string[];
    audience: string[];
    objectPrepositions: string[];
    determiners: string[];
    objectEnds: string[];
  };
  roles: Record<string, string[]>;
  intents: Record<string, { triggers: string[]; serves: string[]; allows?: string[]; demotes: string[]; adds?: string; anywhere?: boolean; supersedes?: string[]; boost?: number }>;
  notTriggers: string[];
  symptomIntents: string[];
  boost: number;
  demote: number;
  platforms: Record<string, string[]>;
  platformPenalty: number;
}

const DATA = data as IntentData;

/** A word as matched here: its stem, or the word itself when it is filler ("doesn", "not"). */
const norm = (w: string): string => term(w) ?? w;

/**
 * Keys of one or more words, each with a label, matched over a word sequence longest first; a word
 * inside a matched phrase does not match on its own ("react native" is not "react").
 */
export class Lexicon {
  private readonly byFirst = new Map<string, Array<{ seq: string[]; label: string }>>();

  constructor(entries: Record<string, string[]>) {
    for (const [label, keys] of Object.entries(entries)) {
      for (const key of keys) {
        const seq = words(key).map(norm);
        if (seq.length === 0) continue;
        const list = this.byFirst.get(seq[0]!) ?? [];
        list.push({ seq, label });
        list.sort((a, b) => b.seq.length - a.seq.length);
        this.byFirst.set(seq[0]!, list);
      }
    }
  }

  /** The labels matched in a sequence of normalised words. */
  match(seq: readonly string[]): Set<string> {
    return new Set(this.matches(seq).map((m) => m.label));
  }

  /** Each match: its label, the position of its first word and its length in words. */
  matches(seq: readonly string[]): Array<{ label: string; at: number; length: number }> {
    const found: Array<{ label: string; at: number; length: number }> = [];
    for (let i = 0; i < seq.length; ) {
      const hit = this.byFirst.get(seq[i]!)?.find((e) => e.seq.every((w, k) => seq[i + k] === w));
      if (hit) {
        found.push({ label: hit.label, at: i, length: hit.seq.length });
        i += hit.seq.length;
      } else i++;
    }
    return found;
  }
}

const NONE = '';
let compiled:
  | {
      roles: Lexicon;
      intents: Lexicon;
      platforms: Lexicon;
      absent: Lexicon;
      context: Record<'markers' | 'clauseEnds' | 'preps' | 'dets' | 'ends' | 'audience', Set<string>>;
    }
  | undefined;
const lexicons = () =>
  (compiled ??= {
    context: {
      markers: new Set(DATA.context.clauseMarkers),
      clauseEnds: new Set(DATA.context.clauseEnds),
      preps: new Set(DATA.context.objectPrepositions),
      dets: new Set(DATA.context.determiners),
      ends: new Set(DATA.context.objectEnds),
      audience: new Set(DATA.context.audience),
    },
    roles: new Lexicon(DATA.roles),
    // A phrase in notTriggers matches first (longest first) and stands for no intent.
    intents: new Lexicon({ ...Object.fromEntries(Object.entries(DATA.intents).map(([k, v]) => [k, v.triggers])), [NONE]: DATA.notTriggers }),
    platforms: new Lexicon(DATA.platforms),
    absent: new Lexicon({ absent: DATA.context.absent }),
  });

/** What an agent's name says about it: the kinds of work it does and the platforms it is for. */
export interface AgentProfile {
  roles: Set<string>;
  platforms: Set<string>;
}

export function agentProfile(name: string): AgentProfile {
  const seq = words(name.slice(name.lastIndexOf(':') + 1)).map(norm);
  return { roles: lexicons().roles.match(seq), platforms: lexicons().platforms.match(seq) };
}

/** What a task says about the work it wants. */
export interface QueryIntent {
  intents: Set<string>;
  platforms: Set<string>;
  /** Roles the intents boost (with how much: an intent's own `boost`, or the table's), roles they let be (served or allowed), roles they scale down. */
  served: Map<string, number>;
  allowed: Set<string>;
  demoted: Set<string>;
  /** Words the intents add to the task, one concept per intent ("how do I decide what makes the cut" is prioritisation). */
  adds: string[];
}

/**
 * The task's intents and platforms, and what they make of each role (worked out once per query).
 * `context` (contextWords) keeps a trigger inside a context phrase from setting the intent: in
 * "retrieval over our docs" the docs are the data, not the work; except for an intent marked
 * `anywhere`, whose triggers ask a question wherever they stand ("is the lift from the test significant?").
 */
export function queryIntent(query: string, context?: readonly number[]): QueryIntent {
  const seq = words(query).map(norm);
  const intents = new Set<string>();
  for (const m of lexicons().intents.matches(seq)) {
    if (m.label === NONE) continue;
    let main = !context || context.length !== seq.length || !!DATA.intents[m.label]!.anywhere;
    for (let k = m.at; k < m.at + m.length && !main; k++) if (context![k] === 1) main = true;
    if (main) intents.add(m.label);
  }
  const served = new Map<string, number>();
  const allowed = new Set<string>();
  const demoted = new Set<string>();
  // An intent that supersedes another decides what is asked when both are there (an outage in
  // progress has symptoms, but wants incident response first): the other's roles are let be, not boosted.
  const superseded = new Set([...intents].flatMap((i) => DATA.intents[i]!.supersedes ?? []));
  for (const i of intents) {
    const spec = DATA.intents[i]!;
    const boost = spec.boost ?? DATA.boost;
    if (!superseded.has(i)) for (const r of spec.serves) served.set(r, Math.max(served.get(r) ?? 0, boost));
    for (const r of [...spec.serves, ...(spec.allows ?? [])]) allowed.add(r);
    for (const r of spec.demotes) demoted.add(r);
  }
  const adds = [...intents].flatMap((i) => (DATA.intents[i]!.adds ? [DATA.intents[i]!.adds] : []));
  return { intents, platforms: lexicons().platforms.match(seq), served, allowed, demoted, adds };
}

/** Intents that describe a symptom rather than a piece of work. */
const SYMPTOMS = DATA.symptomIntents;

/** The factor an agent's score is multiplied by for a task's intent (1 when nothing applies). */
export function intentFactor(agent: AgentProfile, task: QueryIntent): number {
  let factor = 1;
  let boost = 0;
  let demoted = false;
  for (const r of agent.roles) {
    boost = Math.max(boost, task.served.get(r) ?? 0);
    if (task.demoted.has(r) && !task.allowed.has(r)) demoted = true;
  }
  factor *= 1 + boost;
  if (demoted) factor *= DATA.demote;
  if (task.platforms.size > 0 && agent.platforms.size > 0) {
    let shared = false;
    for (const p of agent.platforms) if (task.platforms.has(p)) shared = true;
    if (!shared) factor *= DATA.platformPenalty;
  }
  return factor;
}

/**
 * The shallow parse: a weight for each word of `words(query)`, 1 for the task's action and method,
 * less for a word that only says where or when. A clause opened by a marker ("after", "since")
 * runs to the next punctuation, or ends at a word that closes a time ("since last week", "after ~3
 * epochs": what follows is the task again); an object phrase (a preposition then a determiner: "on our", "for
 * the", "of my") runs to the punctuation or to a word that starts the method again ("to", "with",
 * "via"); who is affected ("customers", "users") is context wherever it stands. In a symptom (an
 * intent in `symptomIntents`: "timeouts on the redis cluster") the place it shows often names the
 * specialist, so an object phrase there weighs `symptomObjectWeight`, between the two. What the
 * task says is absent ("no errors in the logs", with the object phrase that follows) weighs
 * `absentWeight` and sets no intent: an error-log specialist is not the one for it.
 */
export function contextWords(query: string, task?: QueryIntent): number[] {
  const c = DATA.context;
  const objectWeight = task && SYMPTOMS.some((i) => task.intents.has(i)) ? c.symptomObjectWeight : c.weight;
  const { markers, clauseEnds, preps, dets, ends, audience } = lexicons().context;
  const out: number[] = [];
  const all = words(query);
  // Punctuation ends a phrase; split the text into clauses first, then into words as words() does.
  for (const clause of query.split(/[,;:!?()[\]]|\.(?=\s|$)|\s[-–—]\s/)) {
    const ws = words(clause);
    const absent = new Set<number>();
    for (const m of lexicons().absent.matches(ws.map(norm))) {
      let end = m.at + m.length;
      // The place it is absent from is absent with it ("no errors in the logs").
      if (preps.has(ws[end] ?? '') && dets.has(ws[end + 1] ?? '')) while (end < ws.length && !ends.has(ws[end]!)) end++;
      for (let k = m.at; k < end; k++) absent.add(k);
    }
    let state: 'main' | 'clause' | 'object' = 'main';
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      let closes = false;
      if (state !== 'clause' && markers.has(w)) state = 'clause';
      else if (state === 'clause' && clauseEnds.has(w) && ws[i + 1] !== 's') closes = true; // not "tuesday's deploy"
      else if (state === 'main' && preps.has(w) && dets.has(ws[i + 1] ?? '')) state = 'object';
      else if (state === 'object' && ends.has(w)) state = 'main';
      const weight = state === 'clause' || audience.has(w) ? c.weight : state === 'object' ? objectWeight : 1;
      out.push(absent.has(i) ? Math.min(weight, c.absentWeight) : weight);
      if (closes) state = 'main';
    }
  }
  // Splitting first must not change the words (it cannot for ordinary text); if it did, no context.
  return out.length === all.length ? out : all.map(() => 1);
}

// The recall sets: a collection laid out in a temporary project's .claude/agents-extended (as the
// curator leaves it), and tasks with the agents a person would accept for each. Shared by the
// bench (`npm run bench:recall`) and test/unit/discovery-recall.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCollection, type DiscoveryAgent } from '../../src/core/discovery/collection';
import { words } from '../../src/core/discovery/text';
import { AgentIndex, type Ranked } from '../../src/core/discovery/rank';

export interface RecallSet {
  about: string;
  /**
   * Set on a held-out set once it has been run and its misses looked at: it is then no longer a fair
   * test, and the synonym table may use its words (see unseenKeyLeaks).
   */
  spent?: string;
  collections: Array<{ folder: string; positions?: 'odd' | 'even' }>;
  tasks: Array<{ task: string; accept: string[] }>;
}

export interface TaskResult {
  task: string;
  accept: string[];
  top: string[];
  /** 1-based rank of the first result that is, or groups, an accepted agent; 0 when not in the top 3. */
  rank: number;
}

export interface RecallReport {
  agents: number;
  tasks: number;
  top1: number;
  top3: number;
  results: TaskResult[];
}

export function readSet(file: string): RecallSet {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RecallSet;
}

/** Copies the set's collections into a fresh project; the caller removes `project` when done. */
export function layOut(set: RecallSet, corpora: string): { project: string } {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-recall-'));
  const ext = path.join(project, '.claude', 'agents-extended');
  fs.mkdirSync(ext, { recursive: true });
  for (const c of set.collections) {
    const dir = path.join(corpora, c.folder);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
    // 1st, 3rd, … are "odd" positions; 2nd, 4th, … are "even".
    const picked = files.filter((_f, i) => !c.positions || (c.positions === 'odd' ? i % 2 === 0 : i % 2 === 1));
    for (const f of picked) fs.copyFileSync(path.join(dir, f), path.join(ext, `${c.folder}__${f}`));
  }
  return { project };
}

export function evaluate(set: RecallSet, agents: DiscoveryAgent[]): RecallReport {
  const index = new AgentIndex(agents);
  const results = set.tasks.map(({ task, accept }) => {
    const top = index.rank(task, { limit: 3 });
    const hit = (r: Ranked<DiscoveryAgent>) => [r.doc, ...r.also].some((d) => accept.includes(d.name));
    const at = top.findIndex(hit);
    return { task, accept, top: top.map(label), rank: at + 1 };
  });
  return {
    agents: agents.length,
    tasks: results.length,
    top1: results.filter((r) => r.rank === 1).length,
    top3: results.filter((r) => r.rank >= 1).length,
    results,
  };
}

export function runSet(file: string, corpora: string): RecallReport {
  const set = readSet(file);
  const { project } = layOut(set, corpora);
  try {
    return evaluate(set, loadCollection(project));
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

function label(r: Ranked<DiscoveryAgent>): string {
  return r.also.length ? `${r.doc.name} (also: ${r.also.map((d) => d.name).join(', ')})` : r.doc.name;
}

/** The sets in a folder: tuning first, then every heldout*.json by name (a new one is picked up by dropping it in). */
export function setNames(dir: string): string[] {
  const held = fs
    .readdirSync(dir)
    .filter((f) => /^heldout[\w-]*\.json$/.test(f))
    .map((f) => f.slice(0, -'.json'.length))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return ['tuning', ...held];
}

/**
 * Synonym keys that would make an unseen held-out set look better than it is: keys its tasks use,
 * that no tuning task uses, and that were not in the table when the set was written (`blind`:
 * bench/recall/blind-table-keys.json, the table frozen before the newest held-out set was written).
 * A spent set (see RecallSet.spent) is no longer unseen and is not checked.
 */
export function unseenKeyLeaks(keys: string[], sets: Record<string, RecallSet>, blind: string[]): Array<{ key: string; set: string }> {
  const phrase = (text: string) => ` ${words(text).join(' ')} `;
  const uses = (set: RecallSet | undefined, key: string) => !!set && set.tasks.some((t) => phrase(t.task).includes(phrase(key)));
  const frozen = new Set(blind);
  const leaks: Array<{ key: string; set: string }> = [];
  for (const [name, set] of Object.entries(sets)) {
    if (name === 'tuning' || set.spent) continue;
    for (const key of keys) if (uses(set, key) && !uses(sets.tuning, key) && !frozen.has(key)) leaks.push({ key, set: name });
  }
  return leaks;
}

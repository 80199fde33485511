/**
 * Recall on real collections with tasks worded as users word them (bench/recall/*.json; the same
 * sets `npm run bench:recall` prints). The tuning set is what synonyms, boosts and thresholds were
 * adjusted on. Each held-out set was written before the ranking it was first run on; once run and
 * studied it is marked `spent` and is a regression guard, no longer a measure:
 *   heldout  (davepoon + lst97 + half of 0xfurai, 201 agents): 15/20 first, 17/20 top three on its
 *            first run (round 1, bench/recall/heldout-first-run.md); 17/20, 20/20 after round 3; 19/20, 20/20
 *            after round 4 (intent: src/core/discovery/intent.ts).
 *   heldout2 (VoltAgent at 6a82f08 + davepoon, 211 agents): 15/20, 16/20 on its only fair run
 *            (bench/recall/heldout2-first-run.md); its misses were studied in round 3: 18/20, 20/20; 19/20, 20/20
 *            after round 4.
 *   heldout3 (lst97 + halves of VoltAgent, 0xfurai and davepoon, 203 agents), written blind while
 *            round 3 was tuned: 14/20, 18/20 on its only fair run (bench/recall/heldout3-first-run.md); its
 *            misses were studied in round 4 (intent rather than nouns): 20/20, 20/20 since.
 *   heldout4 (194 agents), written blind while round 4 was tuned: 14/20, 17/20 on its only fair run
 *            (bench/recall/heldout4-first-run.md); its misses were studied in round 5 (prioritisation and
 *            significance intents, words only one agent uses): 16/20, 18/20.
 *   heldout5 (197 agents), written blind while round 5 was tuned: 11/20, 14/20 on its only fair run
 *            (bench/recall/heldout5-first-run.md); 17/20, 17/20 after round 6 (technology fingerprints,
 *            whose table kept canonical jargon some of its tasks use).
 *   heldout6 (195 agents), written blind while round 6 was tuned: 16/20, 18/20 on its only fair run
 *            (bench/recall/heldout6-first-run.md); its misses were studied in round 7 (request intents): 20/20, 20/20.
 *   heldout7 (202 agents), written blind while round 7 was tuned: 18/20, 19/20 on its only fair run
 *            (bench/recall/heldout7-first-run.md), issue 24's target; not studied yet.
 * Issue 24 asks for 16/20 first and 19/20 in the top three on a set nobody has tuned on: any
 * heldout*.json not marked spent is held to that here (and by the bench).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSet, runSet, setNames } from '../../bench/recall/sets';
import { CORPORA } from '../support/fixtures';

const SETS = path.resolve(__dirname, '../../bench/recall');
const misses = (r: ReturnType<typeof runSet>) =>
  r.results
    .filter((t) => t.rank !== 1)
    .map((t) => `#${t.rank || '-'} ${t.task} → ${t.top.join(' ; ')}`)
    .join('\n');

describe('recall', () => {
  // Spent held-out sets: regression floors at what the ranking reaches now (first runs in the header).
  const floors = [
    { set: 'heldout', agents: 195, top1: 19, top3: 20 },
    { set: 'heldout2', agents: 205, top1: 19, top3: 20 },
    { set: 'heldout3', agents: 200, top1: 20, top3: 20 },
    { set: 'heldout4', agents: 190, top1: 17, top3: 20 },
    { set: 'heldout5', agents: 190, top1: 17, top3: 17 },
    { set: 'heldout6', agents: 190, top1: 20, top3: 20 },
    { set: 'heldout7', agents: 195, top1: 18, top3: 19 },
  ];
  it.each(floors)('$set (spent): at least $top1/20 first and $top3/20 in the top three', ({ set, agents, top1, top3 }) => {
    const r = runSet(path.join(SETS, `${set}.json`), CORPORA);
    expect(readSet(path.join(SETS, `${set}.json`)).spent, 'a floor is for a set already run and studied').toBeTruthy();
    expect(r.agents).toBeGreaterThanOrEqual(agents);
    expect(r.tasks).toBe(20);
    expect(r.top3, misses(r)).toBeGreaterThanOrEqual(top3);
    expect(r.top1, misses(r)).toBeGreaterThanOrEqual(top1);
  }, 120_000);

  it('tuning set: 189 of 191 in the top three, 180 first', () => {
    const r = runSet(path.join(SETS, 'tuning.json'), CORPORA);
    expect(r.tasks).toBe(191);
    expect(r.top3, misses(r)).toBeGreaterThanOrEqual(189);
    expect(r.top1, misses(r)).toBeGreaterThanOrEqual(180);
  }, 120_000);

  it('every held-out set not yet spent meets issue 24: 95% in the top three, 80% first', () => {
    const names = setNames(SETS);
    expect(names.slice(0, 3)).toEqual(['tuning', 'heldout', 'heldout2']);
    for (const name of names.filter((n) => n !== 'tuning' && !readSet(path.join(SETS, `${n}.json`)).spent)) {
      const r = runSet(path.join(SETS, `${name}.json`), CORPORA);
      expect(r.top3, `${name}\n${misses(r)}`).toBeGreaterThanOrEqual(Math.ceil(0.95 * r.tasks));
      expect(r.top1, `${name}\n${misses(r)}`).toBeGreaterThanOrEqual(Math.ceil(0.8 * r.tasks));
    }
  }, 240_000);
});

/**
 * Recall on real collections with tasks worded as users word them (bench/recall/*.json; the same
 * sets `npm run bench:recall` prints). The tuning set is what synonyms, boosts and thresholds were
 * adjusted on. Each held-out set was written before the ranking it was first run on, and never tuned
 * on: the first (davepoon + lst97 + half of 0xfurai, 201 agents) gave top-1 15/20, top-3 17/20 in
 * round 1 (bench/recall/heldout-first-run.md) and 16/20, 17/20 after round 2; the second (VoltAgent
 * at 6a82f08 + davepoon, 211 agents) gave 15/20, 16/20 on its only fair run
 * (bench/recall/heldout2-first-run.md). Issue 24 asks for 16 and 19: NOT met. These floors guard
 * against getting worse; they are not the target.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSet } from '../../bench/recall/sets';
import { CORPORA } from '../support/fixtures';

const SETS = path.resolve(__dirname, '../../bench/recall');
const misses = (r: ReturnType<typeof runSet>) =>
  r.results
    .filter((t) => t.rank !== 1)
    .map((t) => `#${t.rank || '-'} ${t.task} → ${t.top.join(' ; ')}`)
    .join('\n');

describe('recall', () => {
  it('first held-out set: at least 16/20 first and 17/20 in the top three', () => {
    const r = runSet(path.join(SETS, 'heldout.json'), CORPORA);
    expect(r.agents).toBeGreaterThanOrEqual(195);
    expect(r.tasks).toBe(20);
    expect(r.top3, misses(r)).toBeGreaterThanOrEqual(17);
    expect(r.top1, misses(r)).toBeGreaterThanOrEqual(16);
  }, 120_000);

  it('second held-out set: at least its first run\'s 15/20 first and 16/20 in the top three', () => {
    const r = runSet(path.join(SETS, 'heldout2.json'), CORPORA);
    expect(r.agents).toBeGreaterThanOrEqual(205);
    expect(r.tasks).toBe(20);
    expect(r.top3, misses(r)).toBeGreaterThanOrEqual(16);
    expect(r.top1, misses(r)).toBeGreaterThanOrEqual(15);
  }, 120_000);

  it('tuning set: 80 of 82 in the top three, 76 first', () => {
    const r = runSet(path.join(SETS, 'tuning.json'), CORPORA);
    expect(r.tasks).toBe(82);
    expect(r.top3, misses(r)).toBeGreaterThanOrEqual(80);
    expect(r.top1, misses(r)).toBeGreaterThanOrEqual(76);
  }, 120_000);
});

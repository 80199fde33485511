/**
 * The synonym and abbreviation table (src/core/discovery/synonyms.json): the words users type for a task
 * reach the words agent files use, and abbreviations in agent names read as what they stand for.
 */
import { describe, expect, it } from 'vitest';
import table from '../../src/core/discovery/synonyms.json';
import { rankDocs } from '../../src/core/discovery/rank';
import { nameSynonym, queryTerms, synonymMatches, terms, words } from '../../src/core/discovery/text';

const stemOf = (word: string) => terms(word)[0]!;
const adds = (query: string) => synonymMatches(query).flatMap((m) => m.adds);

describe('synonym table', () => {
  it.each([
    ['k8s', 'kubernetes'],
    ['tdd', 'test'],
    ['a11y', 'accessibility'],
    ['perf', 'performance'],
    ['db', 'database'],
    ['infra', 'infrastructure'],
    ['ci/cd', 'pipeline'],
    ['auth', 'authentication'],
    ['login', 'authentication'],
    ['golang', 'go'],
  ])('"%s" adds "%s"', (typed, meant) => {
    expect(adds(`please look at the ${typed} part`)).toContain(meant);
  });

  it('matches phrases as phrases: "tests first" means test-driven work, and "first" alone means nothing', () => {
    expect(adds('write the tests first')).toEqual(expect.arrayContaining(['test', 'driven', 'tdd']));
    expect(adds('first things first')).toEqual([]);
    const weights = queryTerms('write the tests first');
    expect(weights.get(stemOf('first'))).toBeLessThan(weights.get(stemOf('write'))!);
  });

  it('weighs an abbreviation\'s expansion like the user\'s own word, a related word a little less', () => {
    expect(queryTerms('k8s rollout').get(stemOf('kubernetes'))).toBe(1);
    expect(queryTerms('fix the login').get(stemOf('authentication'))).toBeLessThan(1);
    // A related word whose key no agent file uses is all the user said: full weight.
    expect(queryTerms('fix the login', () => false).get(stemOf('authentication'))).toBe(1);
  });

  it('reads abbreviations in agent names as what they stand for, and nothing else', () => {
    expect(nameSynonym('golang')).toEqual(['go']);
    expect(nameSynonym('ml')).toEqual(['machine', 'learning']);
    expect(nameSynonym('login')).toBeUndefined();
  });

  it('is well-formed data: lower-case keys and values that reduce to words', () => {
    const file = table as { abbreviations: Record<string, string>; related: Record<string, string> };
    const all = { ...file.related, ...file.abbreviations };
    expect(Object.keys(all).length).toBeGreaterThan(50);
    for (const [key, value] of Object.entries(all)) {
      expect(key, key).toBe(key.toLowerCase());
      expect(words(key).length, key).toBeGreaterThan(0);
      expect(words(value).length, `${key}: ${value}`).toBeGreaterThan(0);
    }
    // One section per key: an entry is either an equivalent or a related word, not both.
    for (const key of Object.keys(file.abbreviations)) expect(file.related[key], key).toBeUndefined();
  });

  it('finds the agent a description never calls by the user\'s word', () => {
    const docs = [
      { name: 'kubernetes-specialist', description: 'Designs Kubernetes clusters and workloads.', body: '' },
      { name: 'accessibility-tester', description: 'Audits WCAG compliance and screen reader support.', body: '' },
      { name: 'database-optimizer', description: 'Tunes slow SQL and database indexes.', body: '' },
      { name: 'css-helper', description: 'Styles pages and layouts.', body: '' },
    ];
    expect(rankDocs(docs, 'k8s manifests', 1)[0]?.doc.name).toBe('kubernetes-specialist');
    expect(rankDocs(docs, 'a11y review', 1)[0]?.doc.name).toBe('accessibility-tester');
    expect(rankDocs(docs, 'db is a bottleneck', 1)[0]?.doc.name).toBe('database-optimizer');
  });
});

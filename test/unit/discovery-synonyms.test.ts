/**
 * The synonym and abbreviation table (src/core/discovery/synonyms.json): the words users type for a task
 * reach the words agent files use, and abbreviations in agent names read as what they stand for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import table from '../../src/core/discovery/synonyms.json';
import stemExceptions from '../../src/core/discovery/stem-exceptions.json';
import { rankDocs } from '../../src/core/discovery/rank';
import { nameSynonym, queryConcepts, queryTerms, synonymMatches, terms, words } from '../../src/core/discovery/text';

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

  it('reads the abbreviations of round 2 (infrastructure, data, security, business)', () => {
    expect(adds('roll out a gpo')).toEqual(expect.arrayContaining(['group', 'policy']));
    expect(adds('rbac for the admin api')).toContain('authorization');
    expect(adds('df is slow')).toContain('pandas');
    expect(adds('eks cluster upgrade')).toContain('kubernetes');
    expect(adds('our kpis dashboard')).toContain('metrics');
    // A phrase with a slash is a phrase: "a/b test" is about experiments, "a" and "b" alone nothing.
    expect(adds('run an a/b test on pricing')).toContain('experiment');
    expect(adds('plan a and b')).toEqual([]);
  });

  it('carries no key that only a held-out task uses, so the held-out sets stay unseen', () => {
    const file = table as { abbreviations: Record<string, string>; related: Record<string, string> };
    const tasks = (set: string) =>
      (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../bench/recall', set), 'utf8')) as { tasks: Array<{ task: string }> }).tasks.map(
        (t) => ` ${words(t.task).join(' ')} `,
      );
    const heldOut = [...tasks('heldout.json'), ...tasks('heldout2.json')];
    const tuning = tasks('tuning.json');
    // In the table (round 1) before the second held-out set was written.
    const earlier = ['helm', 'screen reader', 'latency', 'pentest'];
    const used = (ts: string[], key: string) => ts.some((t) => t.includes(` ${words(key).join(' ')} `));
    const onlyHeldOut = Object.keys({ ...file.abbreviations, ...file.related }).filter((k) => used(heldOut, k) && !used(tuning, k));
    expect(onlyHeldOut.filter((k) => !earlier.includes(k))).toEqual([]);
  });

  it('groups what the user asked into concepts: an abbreviation with its expansion, a phrase as one', () => {
    const k8s = queryConcepts('k8s rollout');
    expect(k8s.concepts).toHaveLength(2);
    expect(k8s.concepts.find((c) => c.has('k8s'))?.has(stemOf('kubernetes'))).toBe(true);
    // "ci/cd" adds four terms; it is still one thing the user asked about.
    const cicd = queryConcepts('ci/cd for the python monorepo');
    expect(cicd.concepts).toHaveLength(3);
    expect(cicd.weights.size).toBeGreaterThan(5);
    const tdd = queryConcepts('write the tests first');
    expect(tdd.concepts).toHaveLength(2);
    expect(tdd.concepts.find((c) => c.has(stemOf('tests')))?.has(stemOf('first'))).toBe(true);
  });
});

describe('stem exceptions', () => {
  it('keeps apart words Porter would merge, and keeps each word\'s forms together', () => {
    expect(terms('production')).not.toEqual(terms('product'));
    expect(terms('customer')).not.toEqual(terms('custom'));
    expect(terms('accessibility')).not.toEqual(terms('access'));
    expect(terms('experiment')).not.toEqual(terms('experience'));
    expect(terms('integrity')).not.toEqual(terms('integration'));
    expect(terms('experiments')).toEqual(terms('experiment'));
    expect(terms('customers')).toEqual(terms('customer'));
    expect(terms('accessible')).toEqual(terms('accessibility'));
  });

  it('is well-formed data: lower-case single words, each kept apart from the plain stem of another word', () => {
    const map = (stemExceptions as { words: Record<string, string> }).words;
    expect(Object.keys(map).length).toBeGreaterThan(20);
    for (const [word, kept] of Object.entries(map)) {
      expect(words(word), word).toEqual([word]);
      expect(kept, word).toMatch(/^[a-z]+$/);
    }
  });

  it('ranks "production" tasks away from product management, and "custom" ones away from customers', () => {
    const docs = [
      { name: 'product-manager', description: 'Product strategy, roadmaps and product requirements.', body: '' },
      { name: 'release-engineer', description: 'Ships builds to production safely.', body: '' },
      { name: 'customer-success', description: 'Keeps customers happy and renewing.', body: '' },
      { name: 'theme-developer', description: 'Builds custom themes and plugins.', body: '' },
    ];
    expect(rankDocs(docs, 'ship this to production', 1)[0]?.doc.name).toBe('release-engineer');
    expect(rankDocs(docs, 'a custom plugin', 1)[0]?.doc.name).toBe('theme-developer');
  });
});

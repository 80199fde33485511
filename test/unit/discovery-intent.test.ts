/**
 * What a task asks for beyond its nouns (src/core/discovery/intent.ts, data in intent.json): the
 * shallow parse that weighs a task's object and circumstances below its action and method, the
 * intents that a symptom, a slowdown or a writing task carry, and the platform a task names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { layOut, readSet } from '../../bench/recall/sets';
import { loadCollection, type DiscoveryAgent } from '../../src/core/discovery/collection';
import data from '../../src/core/discovery/intent.json';
import { agentProfile, contextWords, intentFactor, queryIntent } from '../../src/core/discovery/intent';
import { AgentIndex } from '../../src/core/discovery/rank';
import { queryConcepts, terms, words } from '../../src/core/discovery/text';
import { CORPORA } from '../support/fixtures';

const RECALL = path.resolve(__dirname, '../../bench/recall');

const stemOf = (word: string) => terms(word)[0]!;
/** The words of a query the parse puts in a context phrase. */
const contextOf = (query: string) => {
  const weights = contextWords(query, queryIntent(query));
  return words(query).filter((_w, i) => weights[i]! < 1);
};

describe('intent data', () => {
  it('is well-formed: every role an intent names exists, every key reduces to words, weights are factors', () => {
    const roles = new Set(Object.keys(data.roles));
    for (const [name, spec] of Object.entries(data.intents) as Array<[string, { triggers: string[]; serves: string[]; allows?: string[]; demotes: string[]; adds?: string }]>) {
      for (const r of [...spec.serves, ...(spec.allows ?? []), ...spec.demotes]) expect(roles.has(r), `${name}: ${r}`).toBe(true);
      // What an intent adds is words the ranking can search for.
      if (spec.adds !== undefined) expect(terms(spec.adds).length, name).toBeGreaterThan(0);
      expect(spec.triggers.length, name).toBeGreaterThan(0);
      // An intent does not scale down the roles it serves.
      for (const r of spec.serves) expect(spec.demotes, `${name}: ${r}`).not.toContain(r);
    }
    for (const i of data.symptomIntents) expect(Object.keys(data.intents)).toContain(i);
    const lists = [
      ...Object.values(data.roles),
      ...Object.values(data.intents).map((i) => i.triggers),
      ...Object.values(data.platforms),
      data.notTriggers,
      data.context.clauseMarkers,
      data.context.objectPrepositions,
      data.context.determiners,
      data.context.objectEnds,
      data.context.audience,
    ];
    for (const list of lists) {
      for (const key of list) {
        expect(key, key).toBe(key.toLowerCase());
        expect(words(key).length, key).toBeGreaterThan(0);
      }
    }
    for (const w of [data.boost, data.demote, data.platformPenalty, data.context.weight, data.context.symptomObjectWeight]) expect(w).toBeGreaterThan(0);
    for (const w of [data.demote, data.platformPenalty, data.context.weight, data.context.symptomObjectWeight]) expect(w).toBeLessThan(1);
    // A place in a symptom weighs between the task's own words and a plain context phrase.
    expect(data.context.symptomObjectWeight).toBeGreaterThan(data.context.weight);
  });
});

describe('shallow parse', () => {
  it('puts the object of the task in context ("on our support tickets"), and the method back after "to"', () => {
    expect(contextOf('fine tune a small transformer on our support tickets to classify intent')).toEqual(['on', 'our', 'support', 'tickets']);
    expect(contextOf('SSO for the admin panel, SAML via okta')).toEqual(['for', 'the', 'admin', 'panel']);
    expect(contextOf('a11y audit of our react component lib, screen reader + keyboard nav')).toEqual(['of', 'our', 'react', 'component', 'lib']);
  });

  it('puts a clause that says when ("after tuesday\'s deploy", "since the v2 refactor") in context up to the punctuation', () => {
    expect(contextOf("p99 on /search went from 80ms to 1.2s after tuesday's deploy, p50 looks fine")).toEqual(['after', 'tuesday', 's', 'deploy']);
    expect(contextOf('api docs are stale since the v2 refactor, half the endpoints changed')).toEqual(['since', 'the', 'v2', 'refactor']);
  });

  it('ends an object phrase at the verb that follows it: the symptom after it is the task', () => {
    expect(contextOf('reads on our orders table keep timing out')).toEqual(['on', 'our', 'orders', 'table']);
    expect(queryIntent('reads on our orders table keep timing out', contextWords('reads on our orders table keep timing out')).intents.has('fix')).toBe(true);
  });

  it('reads who is affected as context, and a preposition without a determiner as part of the task', () => {
    expect(contextOf('customers get charged twice')).toEqual(['customers']);
    expect(contextOf('set up a read replica and failover for postgres')).toEqual([]);
    expect(contextOf('build an ios app in swiftui')).toEqual([]);
  });

  it('weighs the place a symptom shows more than a plain object: it often names the specialist', () => {
    const symptom = contextWords('timeouts on the redis cluster', queryIntent('timeouts on the redis cluster'));
    const task = contextWords('dashboards on the redis cluster', queryIntent('dashboards on the redis cluster'));
    expect(symptom[3]).toBe(data.context.symptomObjectWeight);
    expect(task[3]).toBe(data.context.weight);
  });

  it('scales a context word, what the table adds for it and its concept; keeps everything when nothing else is left', () => {
    const query = 'fine tune a small model on our support tickets';
    const { weights, concepts, conceptWeights } = queryConcepts(query, () => true, contextWords(query));
    expect(weights.get(stemOf('tickets'))).toBe(data.context.weight);
    expect(weights.get(stemOf('model'))).toBe(1);
    // "support tickets" brings "customer" from the table: context too.
    expect(weights.get(stemOf('customer'))!).toBeLessThan(0.5);
    const at = concepts.findIndex((c) => c.has(stemOf('tickets')));
    expect(conceptWeights[at]).toBe(data.context.weight);
    // Only context: the context is all the user said.
    const only = 'on our support tickets';
    expect(queryConcepts(only, () => true, contextWords(only)).weights.get(stemOf('tickets'))).toBe(1);
  });
});

describe('intents, roles and platforms', () => {
  it('reads a symptom, a slowdown, docs and copy from the task\'s words, through stems and phrases', () => {
    expect(queryIntent('checkout page just hangs, spinner forever').intents).toEqual(new Set(['fix']));
    expect(queryIntent('it stopped working after the upgrade').intents.has('fix')).toBe(true);
    expect(queryIntent('p95 on the search endpoint went from 200ms to 900ms').intents).toEqual(new Set(['slow']));
    expect(queryIntent('our README is useless for new contributors').intents).toEqual(new Set(['document']));
    expect(queryIntent('write a launch blog post').intents).toEqual(new Set(['promote']));
    // A phrase with another sense triggers nothing: an error budget is not an error, regression tests are not a regression.
    expect(queryIntent('error budget burned in a week').intents.size).toBe(0);
    expect(queryIntent('add regression tests').intents.has('fix')).toBe(false);
  });

  it('reads prioritising and significance as intents, and adds their words to the task', () => {
    const pick = queryIntent('too many feature requests for one team, how do we decide what makes the cut');
    expect(pick.intents).toEqual(new Set(['prioritize']));
    expect(pick.adds.length).toBe(1);
    expect(intentFactor(agentProfile('product-manager'), pick)).toBeGreaterThan(1);
    expect(intentFactor(agentProfile('sales-engineer'), pick)).toBeLessThan(1);
    const stats = queryIntent('signups went up 3% with the new button, is that statistically significant');
    expect(stats.intents.has('measure')).toBe(true);
    expect(intentFactor(agentProfile('data-analyst'), stats)).toBeGreaterThan(1);
    expect(queryIntent('set up the build').adds).toEqual([]);
    // Significance is asked wherever it stands, even at the end of an object phrase.
    const q = 'is the lift from the new onboarding flow significant';
    expect(contextOf(q)).toContain('significant');
    expect(queryIntent(q, contextWords(q)).intents.has('measure')).toBe(true);
  });

  it('reads the intent from the task\'s own words, not from a context phrase: docs to search are data, not docs to write', () => {
    const query = 'LLM app with retrieval over our docs';
    expect(queryIntent(query).intents.has('document')).toBe(true);
    expect(queryIntent(query, contextWords(query)).intents.has('document')).toBe(false);
    expect(queryIntent('the docs for our sdk are stale', contextWords('the docs for our sdk are stale')).intents.has('document')).toBe(true);
  });

  it('reads an agent\'s kind of work and platform from its name, phrase first', () => {
    expect(agentProfile('react-native-expert').platforms).toEqual(new Set(['mobile']));
    expect(agentProfile('react-specialist').platforms).toEqual(new Set(['web']));
    expect(agentProfile('acme:landing-page-copywriter').roles).toEqual(new Set(['promoter']));
    expect(agentProfile('performance-monitor').roles).toEqual(new Set(['optimizer', 'monitor']));
    expect(agentProfile('devops-troubleshooter').roles).toEqual(new Set(['fixer']));
    expect(agentProfile('api-designer').roles).toEqual(new Set(['designer']));
    expect(agentProfile('python-pro')).toEqual({ roles: new Set(), platforms: new Set() });
  });

  it('boosts an agent whose kind of work the task wants, scales down one it does not, and lets tests allow testers', () => {
    const hang = queryIntent('the page hangs');
    expect(intentFactor(agentProfile('debugger'), hang)).toBeGreaterThan(1);
    expect(intentFactor(agentProfile('landing-page-copywriter'), hang)).toBeLessThan(1);
    expect(intentFactor(agentProfile('python-pro'), hang)).toBe(1);
    // A slowdown wants the performance engineer over the performance monitor.
    const slow = queryIntent('p99 went from 80ms to 1.2s');
    expect(intentFactor(agentProfile('performance-engineer'), slow)).toBeGreaterThan(intentFactor(agentProfile('performance-monitor'), slow));
    // A failing test is a symptom, but the test agents are what it is about.
    expect(intentFactor(agentProfile('playwright-expert'), queryIntent('flaky playwright tests fail in CI'))).toBe(1);
    expect(intentFactor(agentProfile('playwright-expert'), queryIntent('the signup page crashes'))).toBeLessThan(1);
    // Docs to fix want the documenter, not the designer of what they document.
    const docs = queryIntent('api docs are stale, half the endpoints changed');
    expect(intentFactor(agentProfile('api-documenter'), docs)).toBeGreaterThan(1);
    expect(intentFactor(agentProfile('api-designer'), docs)).toBeLessThan(1);
    // Docs to write do not scale down a writer.
    expect(intentFactor(agentProfile('technical-writer'), queryIntent('the docs are broken since the refactor'))).toBeGreaterThan(1);
  });

  it('scales down an agent for another platform only when the task names one and not the agent\'s', () => {
    const web = queryIntent('a11y audit of our react component lib');
    expect(web.platforms).toEqual(new Set(['web']));
    expect(intentFactor(agentProfile('react-native-expert'), web)).toBe(data.platformPenalty);
    expect(intentFactor(agentProfile('react-specialist'), web)).toBe(1);
    expect(intentFactor(agentProfile('react-native-expert'), queryIntent('react native app crashes on android'))).toBe(1);
    expect(intentFactor(agentProfile('react-native-expert'), queryIntent('a11y audit of the settings'))).toBe(1);
    expect(intentFactor(agentProfile('electron-pro'), queryIntent('desktop app from our web frontend'))).toBe(1);
  });
});

// On a real collection (the tuning set's: VoltAgent + half of 0xfurai), tasks of the kinds held-out 3
// missed, worded for this test (none is a held-out task): the mechanism decides, not the nouns.
describe('ranking by intent on a real collection', () => {
  let agents: DiscoveryAgent[] = [];
  let index: AgentIndex<DiscoveryAgent>;
  beforeAll(() => {
    const { project } = layOut(readSet(path.join(RECALL, 'tuning.json')), CORPORA);
    try {
      agents = loadCollection(project);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
    index = new AgentIndex(agents);
  });
  const first = (task: string) => index.rank(task, { limit: 3 }).map((r) => r.doc.name);

  it('sends a symptom to the agents that fix it, not to the copywriter whose nouns (page, pricing) it shares', () => {
    const top = first('the pay button on our pricing page spins forever and nothing happens');
    expect(top[0]).toMatch(/^(debugger|error-detective|payment-integration)$/);
  });

  it('ranks a task by its method ("fine tune … classify") over its data ("our support tickets")', () => {
    expect(first('fine tune a transformer on our support tickets to classify them by urgency')[0]).toMatch(/^(ml-engineer|machine-learning-engineer|nlp-engineer|ai-engineer|llm-architect)$/);
  });

  it('ranks web agents above a mobile namesake for a web task', () => {
    const top = first('screen reader support for our react component library');
    expect(top).not.toContain('expo-react-native-expert');
    expect(top[0]).toMatch(/^(accessibility-tester|react-specialist|react-expert|frontend-developer)$/);
  });

  it('prefers the engineer who fixes a slowdown over the monitor that watches it', () => {
    const top = first('p99 on the checkout api went from 120ms to 2s after the last release');
    expect(top[0]).toBe('performance-engineer');
  });
});

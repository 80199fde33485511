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
    type Spec = { triggers: string[]; serves: string[]; allows?: string[]; demotes: string[]; adds?: string; supersedes?: string[]; boost?: number };
    for (const [name, spec] of Object.entries(data.intents) as Array<[string, Spec]>) {
      for (const r of [...spec.serves, ...(spec.allows ?? []), ...spec.demotes]) expect(roles.has(r), `${name}: ${r}`).toBe(true);
      // An intent supersedes other intents (not itself), and its own boost is a boost.
      for (const i of spec.supersedes ?? []) expect(Object.keys(data.intents).filter((k) => k !== name), `${name}: ${i}`).toContain(i);
      if (spec.boost !== undefined) expect(spec.boost, name).toBeGreaterThan(0);
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
      data.context.clauseEnds,
      data.context.absent,
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
    // What the task says is absent weighs less than any context.
    expect(data.context.absentWeight).toBeGreaterThan(0);
    expect(data.context.absentWeight).toBeLessThan(data.context.weight);
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

  it('ends a clause at the word that closes its time: what follows "since last week" or "after ~3 epochs" is the task', () => {
    expect(contextOf('since last week some invoices show the wrong total')).toEqual(['since', 'last', 'week']);
    expect(contextOf('loss explodes after ~3 epochs once mixed precision is on')).toEqual(['after', '3', 'epochs']);
    // A possessive does not close it: "tuesday's deploy" is one time.
    expect(contextOf("it broke after tuesday's deploy")).toEqual(['after', 'tuesday', 's', 'deploy']);
  });

  it('weighs what the task says is absent ("no errors in the logs", with its place) below context, and reads no symptom from it', () => {
    const q = 'the totals are wrong, no errors in the logs';
    const weights = contextWords(q, queryIntent(q, contextWords(q)));
    expect(words(q).filter((_w, i) => weights[i] === data.context.absentWeight)).toEqual(['no', 'errors', 'in', 'the', 'logs']);
    const intent = queryIntent(q, contextWords(q));
    expect(intent.intents.has('fix')).toBe(false);
    expect(intent.intents.has('wrong')).toBe(true);
    const { weights: terms } = queryConcepts(q, () => true, weights);
    expect(terms.get(stemOf('errors'))).toBe(data.context.absentWeight);
    // Errors that are there are a symptom.
    expect(queryIntent('errors in the logs since the deploy', contextWords('errors in the logs since the deploy')).intents.has('fix')).toBe(true);
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
    expect(agentProfile('debugger').roles).toEqual(new Set(['debugger']));
    expect(agentProfile('devops-incident-responder').roles).toEqual(new Set(['responder']));
    expect(agentProfile('microservices-architect').roles).toEqual(new Set(['architect']));
    expect(agentProfile('refactoring-specialist').roles).toEqual(new Set(['refactorer']));
    expect(agentProfile('legacy-modernizer').roles).toEqual(new Set(['refactorer']));
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

  it('lets the request decide the role: an outage now is incident response, a wrong result without errors debugging, my diff a code review', () => {
    const down = 'checkout is down for everyone with a 503, we rolled back and nothing changed';
    const outage = queryIntent(down, contextWords(down));
    expect(outage.intents).toEqual(new Set(['fix', 'outage']));
    // The outage supersedes the symptom: the log detective is let be, the incident responder boosted most.
    expect(intentFactor(agentProfile('error-detective'), outage)).toBe(1);
    expect(intentFactor(agentProfile('incident-responder'), outage)).toBe(1 + data.intents.outage.boost!);
    expect(intentFactor(agentProfile('incident-responder'), outage)).toBeGreaterThan(1 + data.boost);
    expect(outage.adds).toEqual(['incident']);
    // A wrong result, wherever the parse puts it, asks for the debugger; the error-log detective is only let be.
    const off = 'since friday some invoices are off by a cent';
    const wrong = queryIntent(off, contextWords(off));
    expect(wrong.intents).toEqual(new Set(['wrong']));
    expect(intentFactor(agentProfile('debugger'), wrong)).toBeGreaterThan(intentFactor(agentProfile('error-detective'), wrong));
    expect(intentFactor(agentProfile('error-detective'), wrong)).toBe(1);
    // A symptom still boosts both.
    expect(intentFactor(agentProfile('error-detective'), queryIntent('the worker crashes'))).toBeGreaterThan(1);
    // My diff or PR, even inside a clause, asks for a reviewer; a PR a pipeline runs on does not.
    const diff = 'can you check my diff before i open the pr';
    expect(intentFactor(agentProfile('code-reviewer'), queryIntent(diff, contextWords(diff)))).toBeGreaterThan(1);
    const ci = 'set up ci so every pr runs the tests';
    expect(queryIntent(ci, contextWords(ci)).intents.has('codereview')).toBe(false);
    // Refactoring and architecture have their roles; architecture is not a UI designer's.
    expect(intentFactor(agentProfile('refactoring-specialist'), queryIntent('refactor the 3000 line god class'))).toBeGreaterThan(1);
    const arch = queryIntent('where should the service boundaries be');
    expect(intentFactor(agentProfile('microservices-architect'), arch)).toBeGreaterThan(1);
    expect(intentFactor(agentProfile('ui-designer'), arch)).toBeLessThan(1);
    // A slowdown is not an incident.
    expect(intentFactor(agentProfile('incident-responder'), queryIntent('the report page is slow'))).toBeLessThan(1);
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

  // Round 7, the kinds of held-out 6's role misses, worded for this test: the request decides over the nouns.
  it('sends an outage in progress to incident response, over the specialist for the broken part', () => {
    expect(first('payments page returns 503 for all users right now, we rolled back and it is still down')[0]).toMatch(/^(incident-responder|devops-incident-responder)$/);
  });

  it('sends a wrong result without errors to the debugger, not the error-log detective', () => {
    expect(first('some invoices show the wrong total, no errors in the logs and i cannot reproduce it')[0]).toBe('debugger');
  });

  it('sends my diff to the code reviewer, over the specialist for what the diff touches', () => {
    expect(first('can you look over my diff for the stripe webhook handler before i merge')[0]).toBe('code-reviewer');
  });

  it('sends refactoring and architecture to their roles', () => {
    expect(first('our 3000 line god class in the billing service needs a refactor')[0]).toBe('refactoring-specialist');
    expect(first('where should the service boundaries be if we split the monolith, and should they share a database')[0]).toBe('microservices-architect');
  });

  it('prefers the engineer who fixes a slowdown over the monitor that watches it', () => {
    const top = first('p99 on the checkout api went from 120ms to 2s after the last release');
    expect(top[0]).toBe('performance-engineer');
  });
});

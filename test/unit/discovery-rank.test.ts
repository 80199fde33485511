/**
 * Ranking on a real collection (VoltAgent at 6a82f08, 129 agents with categories), placed in a
 * temporary project's .claude/agents-extended the way the curator leaves it.
 * The ten tasks and their right answers were written before any ranking was looked at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCollection, oneLine } from '../../src/core/discovery/collection';
import { agentCategory } from '../../src/core/discovery/category';
import { coverage, PASSING_MENTION, rankDocs } from '../../src/core/discovery/rank';
import { terms, words } from '../../src/core/discovery/text';
import { CORPORA } from '../support/fixtures';

const CORPUS = path.join(CORPORA, 'VoltAgent__awesome-claude-code-subagents__6a82f08');

// Written first, committed as written: a task, and the agent(s) a person would pick for it.
const TASKS: Array<[string, string[]]> = [
  ['Write Terraform modules to provision our AWS VPC and subnets', ['terraform-engineer']],
  ['Our Postgres queries are slow; tune indexes and vacuum settings', ['postgres-pro']],
  ['Find why the app crashes with a null pointer exception in production logs', ['debugger', 'error-detective']],
  ['Build a Kubernetes deployment with autoscaling and pod security', ['kubernetes-specialist']],
  ['Make our React components faster and fix hook re-render issues', ['react-specialist']],
  ['Audit the web app for WCAG accessibility problems and screen reader support', ['accessibility-tester']],
  ['Write end-to-end automated tests for the checkout flow', ['test-automator']],
  ['Integrate Stripe payments with refunds and webhooks', ['payment-integration']],
  ['Design a prompt and evaluate its outputs for our LLM feature', ['prompt-engineer']],
  ['Plan the sprint backlog and run the daily standup', ['scrum-master']],
];

let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-rank-'));
  const ext = path.join(project, '.claude', 'agents-extended');
  fs.mkdirSync(ext, { recursive: true });
  for (const f of fs.readdirSync(CORPUS)) if (f.endsWith('.md')) fs.copyFileSync(path.join(CORPUS, f), path.join(ext, f));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('discover_agents ranking on VoltAgent@6a82f08', () => {
  it('puts the right agent in the top 3 for at least 8 of 10 tasks', () => {
    const agents = loadCollection(project);
    expect(agents.length).toBeGreaterThan(100);
    const misses: string[] = [];
    for (const [task, right] of TASKS) {
      const top = rankDocs(agents, task, 3).map((r) => r.doc.name);
      if (!top.some((name) => right.includes(name))) misses.push(`${task} → ${top.join(', ')}`);
    }
    expect(misses.length, misses.join('\n')).toBeLessThanOrEqual(2);
  });

  it('reads categories from flattened folder prefixes', () => {
    const agents = loadCollection(project);
    expect(agents.find((a) => a.name === 'terraform-engineer')?.category).toBe('infrastructure');
    expect(agents.every((a) => a.tier === 'extended' && a.listingTokens > 0)).toBe(true);
  });
});

describe('ranking pieces', () => {
  it('stems related word forms together and drops filler words', () => {
    expect(terms('designing')).toEqual(terms('design'));
    expect(terms('queries')).toEqual(terms('query'));
    expect(terms('Please help me with the tests')).toEqual(['test']);
    // Forms of a filler verb are filler too: "makes" would stem back to "make".
    expect(terms('it makes the build slow and gets stuck')).toEqual(terms('build slow stuck'));
    // A metric "down 40%" has declined: no outage.
    expect(words('signups down 40% this week')).toEqual(['signups', 'decline', 'this', 'week']);
    expect(terms('C++ and C# on .NET with Node.js')).toEqual(['cpp', 'csharp', 'dotnet', 'nodej']);
  });

  it('ranks by name over body mentions and returns nothing for an empty query', () => {
    const docs = [
      { name: 'css-helper', description: 'Styles pages.', body: 'Mentions terraform once.' },
      { name: 'terraform-engineer', description: 'Infrastructure as code.', body: '' },
    ];
    expect(rankDocs(docs, 'terraform', 2).map((r) => r.doc.name)).toEqual(['terraform-engineer', 'css-helper']);
    expect(rankDocs(docs, 'the and of', 2)).toEqual([]);
  });

  it('prefers the agent covering more of what was asked over one matching a single expanded abbreviation', () => {
    const docs = [
      // Matches all four terms "ci/cd" expands to, and nothing else the user said.
      { name: 'release-pipeline', description: 'Continuous integration, continuous deployment and release pipelines.', body: '' },
      // Matches part of the expansion, and the user's other two words.
      { name: 'python-tooling', description: 'Python monorepo tooling and continuous integration.', body: '' },
    ];
    expect(rankDocs(docs, 'ci/cd for the python monorepo', 2).map((r) => r.doc.name)).toEqual(['python-tooling', 'release-pipeline']);
  });

  it('weighs a word only one agent uses above one several use, even when only its body mentions it', () => {
    const docs = [
      { name: 'sql-tuner', description: 'Tunes slow SQL.', body: '' },
      { name: 'report-writer', description: 'Writes reports.', body: '' },
      { name: 'graph-db', description: 'Graph databases and traversals.', body: 'Models graphs.\n\nWrites Cypher for traversals.' },
    ];
    const ratio = (collection: typeof docs) => {
      const ranked = rankDocs(collection, 'cypher is slow', 5);
      const score = (name: string) => ranked.find((r) => r.doc.name === name)!.score;
      return score('graph-db') / score('sql-tuner');
    };
    // Once two agents use it, it is an ordinary word again.
    const two = [...docs, { name: 'other-graph', description: 'Graphs.', body: 'Intro.\n\nCypher too.' }];
    // BM25's own rarity weight accounts for about 1.5 of the change; the rest is RARE_TERM_FACTOR (2).
    expect(ratio(docs) / ratio(two)).toBeGreaterThan(2.5);
  });

  it('counts a word the name, description or first paragraph uses above one the rest of the body mentions in passing', () => {
    const matchInName = { auditor: ['name'], login: ['rest'] };
    const concepts = [new Set(['auditor']), new Set(['login'])];
    expect(coverage(concepts, ['auditor', 'login'], matchInName)).toBe(1 + PASSING_MENTION);
    expect(coverage(concepts, ['auditor'], { auditor: ['description'] })).toBe(1);
    // A prefix match ("auth" in "authentication") counts for the word typed.
    expect(coverage([new Set(['auth'])], ['auth'], { authentication: ['intro'] })).toBe(1);
  });

  it('derives categories from frontmatter, folders and flattened prefixes', () => {
    expect(agentCategory('x.md', 'Data & AI')).toBe('data-&-ai');
    expect(agentCategory('03-infrastructure/k8s.md')).toBe('infrastructure');
    expect(agentCategory('05-data-ai__ml.md')).toBe('data-ai');
    expect(agentCategory('plain.md')).toBeUndefined();
  });

  it('cuts descriptions to one line without example blocks', () => {
    expect(oneLine('Tunes SQL. Use when slow.<example>long</example>')).toBe('Tunes SQL.');
    expect(oneLine('<example>a</example> Builds APIs\\nfast')).toBe('Builds APIs fast');
  });
});

/**
 * Near-duplicates (the same role shipped by several collections: python-pro and python-expert,
 * code-reviewer and code-reviewer-pro) show as one result with "also: …", so the top three are
 * three different roles, and every one of them stays reachable by name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSet } from '../../bench/recall/sets';
import { loadCollection, type DiscoveryAgent } from '../../src/core/discovery/collection';
import { fingerprint, groupNearDuplicates, nearDuplicates } from '../../src/core/discovery/near-duplicates';
import { AgentIndex } from '../../src/core/discovery/rank';
import { discoverAgents, getAgentSpec } from '../../src/server/discovery-tools';
import { CORPORA } from '../support/fixtures';

const FOLDERS = [
  'davepoon__claude-code-subagents-collection',
  'lst97__claude-code-sub-agents',
  '0xfurai__claude-code-subagents',
  'VoltAgent__awesome-claude-code-subagents',
];

let project: string;
let agents: DiscoveryAgent[];
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-dups-'));
  const ext = path.join(project, '.claude', 'agents-extended');
  fs.mkdirSync(ext, { recursive: true });
  for (const folder of FOLDERS) {
    for (const f of fs.readdirSync(path.join(CORPORA, folder))) if (f.endsWith('.md')) fs.copyFileSync(path.join(CORPORA, folder, f), path.join(ext, `${folder}__${f}`));
  }
  agents = loadCollection(project);
}, 120_000);
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

// A role name without the words every agent name carries (pro, expert, developer, …).
const role = (name: string) => name.replace(/-(pro|expert|specialist|developer|engineer)$/, '');

describe('near-duplicate grouping', () => {
  it('keeps the top three of every recall task three different roles', () => {
    const index = new AgentIndex(agents);
    const tasks = [...readSet(path.resolve(__dirname, '../../bench/recall/heldout.json')).tasks, ...readSet(path.resolve(__dirname, '../../bench/recall/tuning.json')).tasks].map((t) => t.task);
    tasks.push('python scripts', 'code review', 'incident response', 'go concurrency', 'typescript types', 'react components', 'kubernetes', 'terraform');
    let grouped = 0;
    for (const task of tasks) {
      const top = index.rank(task, { limit: 3 });
      grouped += top.filter((r) => r.also.length).length;
      for (let i = 0; i < top.length; i++) {
        for (let j = i + 1; j < top.length; j++) {
          const [a, b] = [top[i]!.doc, top[j]!.doc];
          expect(nearDuplicates(fingerprint(a), fingerprint(b)), `${task}: ${a.name} ~ ${b.name}`).toBe(false);
          expect(role(a.name), `${task}: ${a.name} and ${b.name}`).not.toBe(role(b.name));
        }
      }
    }
    expect(grouped, 'some results carry near-duplicates').toBeGreaterThan(5);
  }, 60_000);

  it('shows the same role once with "also", and get_agent_spec reaches each one', () => {
    const found = discoverAgents(project, { query: 'idiomatic python code', limit: 3 });
    const list = found.structuredContent?.agents as Array<{ name: string; also?: string[] }>;
    const python = list.find((a) => ['python-pro', 'python-expert'].includes(a.name));
    expect(python, JSON.stringify(list)).toBeDefined();
    expect([python!.name, ...(python!.also ?? [])].sort()).toEqual(expect.arrayContaining(['python-expert', 'python-pro']));
    expect(found.content[0]!.text).toMatch(/\(also: [^)]*python-(pro|expert)/);
    for (const name of [python!.name, ...python!.also!]) {
      const spec = getAgentSpec(project, { name });
      expect(spec.isError, name).toBeUndefined();
      expect(spec.content[0]!.text).toContain(`name: ${name}`);
    }
  }, 60_000);

  it('groups plugin copies of one role and never two different roles', () => {
    const mk = (name: string, description: string) => ({ name, description, body: '' });
    const docs = [
      mk('acme:backend-architect', 'Designs backend services, APIs and data models.'),
      mk('tools:backend-architect', 'Backend architecture: services, APIs, schemas.'),
      mk('data-engineer', 'Builds ETL pipelines and warehouses.'),
      mk('data-scientist', 'Analyses data with SQL and statistics.'),
      mk('golang-pro', 'Writes idiomatic Go with goroutines and channels.'),
      mk('go-expert', 'Go language expert for concurrency and channels.'),
    ];
    const groups = groupNearDuplicates(docs, fingerprint, 10).map((g) => [g.first.name, ...g.also.map((d) => d.name)]);
    expect(groups).toEqual([['acme:backend-architect', 'tools:backend-architect'], ['data-engineer'], ['data-scientist'], ['golang-pro', 'go-expert']]);
  });
});

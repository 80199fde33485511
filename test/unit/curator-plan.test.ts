// Usage from a real (temporary) SQLite ledger, ranking, the core selection and the plan, over real
// collections copied into temporary projects.
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/runtime/config/schema';
import { applyProject, planProject } from '../../src/core/curator/curate';
import { decayedScore } from '../../src/core/curator/rank';
import { readUsage } from '../../src/core/curator/usage';
import { CORPORA } from '../support/fixtures';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 12);
const temps: string[] = [];
const ledgers: SqliteDb[] = [];

function tempProject(corpus?: string): string {
  const project = mkdtempSync(join(tmpdir(), 'curator-plan-'));
  temps.push(project);
  mkdirSync(join(project, '.claude', 'agents'), { recursive: true });
  if (corpus) cpSync(join(CORPORA, corpus), join(project, '.claude', 'agents'), { recursive: true, filter: (s) => !s.endsWith('.txt') });
  return project;
}

/** A ledger file with the dispatches columns the curator relies on, plus one it must ignore. */
function tempLedger(): SqliteDb {
  const dir = mkdtempSync(join(tmpdir(), 'curator-ledger-'));
  temps.push(dir);
  const db = openDatabase(join(dir, 'ledger.db'));
  ledgers.push(db);
  db.exec(`CREATE TABLE dispatches (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT, project TEXT, agent_type TEXT,
    via_proxy INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'running', started_at INTEGER, total_tokens INTEGER)`);
  return db;
}

function dispatch(db: SqliteDb, project: string, agentType: string, opts: { ago?: number; status?: string; viaProxy?: boolean; times?: number } = {}) {
  const insert = db.prepare('INSERT INTO dispatches (session_id, project, agent_type, via_proxy, status, started_at, total_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < (opts.times ?? 1); i++) insert.run('s1', project, agentType, opts.viaProxy ? 1 : 0, opts.status ?? 'completed', NOW - (opts.ago ?? 0), 1234);
}

function config(core: Partial<Config['core']> = {}): Config {
  const c = defaultConfig();
  return { ...c, core: { ...c.core, ...core } };
}

afterEach(() => {
  for (const db of ledgers.splice(0)) db.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('usage from the ledger', () => {
  it('groups this project’s dispatches per agent type, by status and proxy use', () => {
    const db = tempLedger();
    dispatch(db, '/p', 'rust-expert', { times: 3 });
    dispatch(db, '/p', 'rust-expert', { status: 'failed', viaProxy: true });
    dispatch(db, '/p', 'go-expert', { ago: 400 * DAY });
    dispatch(db, '/other', 'rust-expert', { times: 5 });
    const usage = readUsage(db, '/p', NOW, { halfLifeDays: 14 });
    expect([...usage.keys()]).toEqual(['rust-expert']);
    expect(usage.get('rust-expert')).toMatchObject({ dispatches: 4, byStatus: { completed: 3, failed: 1 }, viaProxy: 1, lastUsedAt: NOW });
  });

  it('decays by half-life and weighs by outcome (completed 1, failed 0.5, killed 0.25, denied 0)', () => {
    const db = tempLedger();
    dispatch(db, '/p', 'a', { ago: 14 * DAY });
    dispatch(db, '/p', 'b', { status: 'failed' });
    dispatch(db, '/p', 'c', { status: 'killed' });
    dispatch(db, '/p', 'd', { status: 'denied', times: 50 });
    dispatch(db, '/p', 'e', { viaProxy: true });
    const usage = readUsage(db, '/p', NOW);
    const score = (t: string) => decayedScore(usage.get(t), NOW, 14);
    expect(score('a')).toBeCloseTo(0.5, 2);
    expect(score('b')).toBeCloseTo(0.5, 2);
    expect(score('c')).toBeCloseTo(0.25, 2);
    expect(score('d')).toBe(0);
    expect(score('e')).toBeCloseTo(1, 2);
  });
});

describe('plan', () => {
  it('0xfurai with five used agents: keeps those five (and nothing unused) within 25 agents and 1,000 tokens', () => {
    const project = tempProject('0xfurai__claude-code-subagents');
    const db = tempLedger();
    const used = ['rust-expert', 'react-expert', 'postgres-expert', 'docker-expert', 'typescript-expert'];
    used.forEach((name, i) => dispatch(db, project, name, { times: i + 1, ago: i * DAY }));
    const { plan } = planProject(project, { config: config(), ledger: db, now: NOW, tokenCacheFile: false });

    const core = plan.selection.core.map((a) => a.name);
    expect(new Set(core)).toEqual(new Set(used));
    expect(core[0]).toBe('typescript-expert'); // most dispatches
    expect(plan.after.agents).toBeLessThanOrEqual(25);
    expect(plan.after.tokens).toBeLessThanOrEqual(1000);
    expect(plan.moves).toHaveLength(131);
    expect(plan.moves.every((m) => m.direction === 'demote' && m.to === m.from.replace('.claude/agents/', '.claude/agents-extended/'))).toBe(true);
    expect(plan.before).toEqual({ agents: 136, tokens: 5055 });
    expect(plan.savedTokens).toBe(plan.before.tokens - plan.after.tokens);
    expect(plan.problems.map((p) => p.kind)).toEqual(['no-frontmatter']);
  });

  it('pins come first; a used agent too large for the remaining tokens is skipped for a smaller one', () => {
    const project = tempProject();
    const agent = (name: string, words: number) =>
      writeFileSync(join(project, '.claude', 'agents', `${name}.md`), `---\nname: ${name}\ndescription: ${'word '.repeat(words).trim()}\n---\n`);
    agent('big', 600);
    agent('mid', 500);
    agent('small', 10);
    agent('pinned-one', 10);
    agent('idle', 10);
    const db = tempLedger();
    dispatch(db, project, 'big', { times: 9 });
    dispatch(db, project, 'mid', { times: 5 });
    dispatch(db, project, 'small', { times: 1 });
    const { plan } = planProject(project, { config: config({ pinned: ['pinned-one'], max_tokens: 1000 }), ledger: db, now: NOW, tokenCacheFile: false });
    expect(plan.selection.core.map((a) => [a.name, a.reason])).toEqual([
      ['pinned-one', 'pinned'],
      ['big', 'used'],
      ['small', 'used'],
    ]);
    expect(plan.selection.budget.tokens).toBeLessThanOrEqual(1000);
    expect(plan.moves.map((m) => m.name).sort()).toEqual(['idle', 'mid']);

    const tight = planProject(project, { config: config({ pinned: ['big'], max_tokens: 100 }), ledger: db, now: NOW, tokenCacheFile: false });
    expect(tight.plan.selection.core.map((a) => a.name)).toEqual(['big']);
    expect(tight.plan.warnings).toContain('pinned agent "big" is kept in core past the budget');
  });

  it('promotes an extended agent reached through the proxy, and stays stable once applied', async () => {
    const project = tempProject('0xfurai__claude-code-subagents');
    const db = tempLedger();
    dispatch(db, project, 'rust-expert', { times: 2 });
    const first = await applyProject(project, { config: config(), ledger: db, now: NOW, tokenCacheFile: false });
    expect(first.applied?.moved).toHaveLength(135);
    dispatch(db, project, 'go-expert', { viaProxy: true, times: 3 });
    const next = planProject(project, { config: config(), ledger: db, now: NOW + 1000, tokenCacheFile: false });
    expect(next.plan.moves).toEqual([
      expect.objectContaining({ name: 'go-expert', direction: 'promote', from: '.claude/agents-extended/go-expert.md', to: '.claude/agents/go-expert.md' }),
    ]);
    await applyProject(project, { config: config(), ledger: db, now: NOW + 1000, tokenCacheFile: false });
    expect(planProject(project, { config: config(), ledger: db, now: NOW + 2000, tokenCacheFile: false }).plan.moves).toEqual([]);
  });

  it('cold start: the first apply is the baseline; an agent added later keeps its core slot for grace_days', async () => {
    const project = tempProject('lst97__claude-code-sub-agents');
    const db = tempLedger();
    const cfg = config({ grace_days: 7 });
    await applyProject(project, { config: cfg, ledger: db, now: NOW, tokenCacheFile: false });
    writeFileSync(join(project, '.claude', 'agents', 'fresh.md'), '---\nname: fresh\ndescription: Just added by the user\n---\n');
    const during = planProject(project, { config: cfg, ledger: db, now: NOW + 6 * DAY, tokenCacheFile: false });
    expect(during.plan.moves).toEqual([]);
    expect(during.ranked.find((a) => a.name === 'fresh')).toMatchObject({ reason: 'grace' });
    await applyProject(project, { config: cfg, ledger: db, now: NOW + DAY, tokenCacheFile: false }); // records its arrival
    const after = planProject(project, { config: cfg, ledger: db, now: NOW + 9 * DAY, tokenCacheFile: false });
    expect(after.plan.moves.map((m) => m.name)).toEqual(['fresh']);
  });

  it('an agent the user moves back into core by hand gets a grace period too', async () => {
    const project = tempProject('lst97__claude-code-sub-agents');
    const db = tempLedger();
    await applyProject(project, { config: config(), ledger: db, now: NOW, tokenCacheFile: false });
    const { renameSync } = await import('node:fs');
    renameSync(join(project, '.claude/agents-extended/agent-organizer.md'), join(project, '.claude/agents/agent-organizer.md'));
    await applyProject(project, { config: config(), ledger: db, now: NOW + DAY, tokenCacheFile: false });
    const plan = planProject(project, { config: config(), ledger: db, now: NOW + 2 * DAY, tokenCacheFile: false });
    expect(plan.ranked.find((a) => a.name === 'agent-organizer')?.reason).toBe('grace');
    expect(plan.plan.moves).toEqual([]);
  });

  it('without a ledger the plan warns and apply moves nothing', async () => {
    const project = tempProject('lst97__claude-code-sub-agents');
    const outcome = await applyProject(project, { config: config(), now: NOW, tokenCacheFile: false });
    expect(outcome.skipped).toMatch(/usage history unavailable/);
    expect(outcome.applied).toBeUndefined();
    expect(outcome.planned.plan.warnings[0]).toMatch(/apply will not move anything/);
  });
});

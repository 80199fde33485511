// `agent-warden core …` end to end through commander, on a temporary project and ledger file.
import { openDatabase } from '../../src/ledger/driver';
import { Command } from 'commander';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCoreCommands } from '../../src/cli/commands/core';
import { UserError } from '../../src/cli/errors';
import { defaultConfig } from '../../src/runtime/config/schema';
import { CORPORA } from '../support/fixtures';

const temps: string[] = [];
let savedHome: string | undefined;

function setup(opts: { ledger?: boolean } = { ledger: true }) {
  const project = mkdtempSync(join(tmpdir(), 'curator-cli-'));
  const home = mkdtempSync(join(tmpdir(), 'curator-cli-home-'));
  temps.push(project, home);
  process.env.AGENT_WARDEN_HOME = home; // the listing-token cache goes here, not in the real home
  cpSync(join(CORPORA, '0xfurai__claude-code-subagents'), join(project, '.claude', 'agents'), { recursive: true, filter: (s) => !s.endsWith('.txt') });
  const ledgerFile = join(home, 'ledger.db');
  const db = openDatabase(ledgerFile);
  db.exec('CREATE TABLE dispatches (id INTEGER PRIMARY KEY, project TEXT, agent_type TEXT, via_proxy INTEGER, status TEXT, started_at INTEGER, total_tokens INTEGER)');
  db.prepare("INSERT INTO dispatches (project, agent_type, via_proxy, status, started_at, total_tokens) VALUES (?, 'rust-expert', 0, 'completed', ?, 100)").run(project, Date.now());
  db.close();
  const out: string[] = [];
  const err: string[] = [];
  const run = async (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    const program = new Command('agent-warden').exitOverride();
    registerCoreCommands(program, {
      openLedger: () => (opts.ledger ? openDatabase(ledgerFile) : undefined),
      loadConfig: () => defaultConfig(),
      io: { out: (t) => out.push(t), err: (t) => err.push(t), color: false },
      home, // an empty home: no user or plugin agents of the machine's user
    });
    await program.parseAsync(['node', 'agent-warden', ...args]);
    return { out: out.join('\n'), err: err.join('\n') };
  };
  return { project, run };
}

beforeEach(() => {
  savedHome = process.env.AGENT_WARDEN_HOME;
  process.exitCode = undefined;
});

afterEach(() => {
  if (savedHome === undefined) delete process.env.AGENT_WARDEN_HOME;
  else process.env.AGENT_WARDEN_HOME = savedHome;
  process.exitCode = undefined;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('agent-warden core', () => {
  it('plan --json prints a stable object and moves nothing', async () => {
    const { project, run } = setup();
    const { out } = await run('core', 'plan', '--json', '--project', project);
    const plan = JSON.parse(out);
    expect(Object.keys(plan)).toEqual(['project', 'listing', 'budget', 'moves', 'visibility', 'hidden_after', 'listing_by_source', 'blocked', 'core', 'usage', 'pending_recovery', 'warnings', 'problems']);
    expect(plan.listing_by_source).toEqual({ before: { builtin: 310, user: 0, plugin: 0, project: 5055 }, after: { builtin: 310, user: 0, plugin: 0, project: expect.any(Number) } });
    expect(plan.visibility).toEqual([]);
    expect(plan.listing).toMatchObject({ before: { agents: 136, tokens: 5055 }, builtin_tokens: 310 });
    expect(plan.moves).toHaveLength(135);
    expect(plan.moves[0]).toEqual({ name: expect.any(String), from: expect.stringMatching(/^\.claude\/agents\//), to: expect.stringMatching(/^\.claude\/agents-extended\//), direction: 'demote', tokens: expect.any(Number), reason: 'unused', score: 0 });
    expect(plan.core).toEqual([{ name: 'rust-expert', tier: 'core', tokens: expect.any(Number), reason: 'used', why: null }]);
    expect(plan.problems).toEqual([expect.objectContaining({ kind: 'no-frontmatter', severity: 'warning' })]);
    expect(existsSync(join(project, '.claude', 'agents-extended'))).toBe(false);
  });

  it('plan for people: an aligned table and the saving; problems on stderr', async () => {
    const { project, run } = setup();
    const { out, err } = await run('core', 'plan', '--project', project);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^agent\s+move\s+tokens\s+why$/);
    const columns = lines[0]!.indexOf('move');
    expect(lines.slice(1, 136).every((l) => l.indexOf('-> extended') === columns)).toBe(true);
    expect(out).toMatch(/Listing: 136 agents, 5,055 tokens -> 1 agent, \d+ tokens \(saves [\d,]+ tokens per request; Claude Code's own agents add about 310\)\./);
    expect(err).toContain('sqs-expert.md: no frontmatter');
  });

  it('apply then restore, with the same flags; apply without a ledger refuses', async () => {
    const { project, run } = setup();
    const applied = JSON.parse((await run('core', 'apply', '--json', '--project', project)).out);
    expect(applied.applied.moved).toHaveLength(135);
    expect(applied.applied.refused).toEqual([]);
    expect(existsSync(join(project, '.claude', 'agents-extended', 'go-expert.md'))).toBe(true);
    const again = await run('core', 'apply', '--project', project);
    expect(again.out).toContain('Nothing to move');
    const restored = await run('core', 'restore', '--project', project);
    expect(restored.out).toBe('Restored 135 files to their original place (2 already there).');
    expect(existsSync(join(project, '.claude', 'agents', 'go-expert.md'))).toBe(true);
    expect(existsSync(join(project, '.claude', 'agents-extended'))).toBe(false);
    expect((await run('core', 'restore', '--project', project)).out).toContain('Nothing to restore');

    const noLedger = setup({ ledger: false });
    const refused = await noLedger.run('core', 'apply', '--project', noLedger.project);
    expect(refused.out).toBe('Nothing moved: usage history unavailable (no ledger yet).');
    expect(process.exitCode).toBe(1);
  });

  it('restore refuses while another process watches the project, as a user error with the fix', async () => {
    const { project, run } = setup();
    const state = join(project, '.claude', 'agents-extended', '.agent-warden');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'watch.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), since: Date.now() }));
    const attempt = run('core', 'restore', '--project', project);
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining(`watcher (pid ${process.ppid})`), fix: 'stop the watcher first' });
  });
});

// The watcher on a real temporary project and ledger file: the layout follows the plan shortly after
// files are added, edited or deleted and after new dispatches land in the ledger.
import { openDatabase } from '../../src/ledger/driver';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/runtime/config/schema';
import { planProject } from '../../src/core/curator/curate';
import { writeJournal } from '../../src/core/curator/journal';
import { projectLayout } from '../../src/core/curator/layout';
import { moveAgentFile } from '../../src/core/curator/move';
import { ensureStateDir } from '../../src/core/curator/state-file';
import { type Watcher, startWatcher } from '../../src/core/curator/watch';
import { CORPORA } from '../support/fixtures';

const temps: string[] = [];
const watchers: Watcher[] = [];

function setup() {
  const project = mkdtempSync(join(tmpdir(), 'curator-watch-'));
  const home = mkdtempSync(join(tmpdir(), 'curator-watch-ledger-'));
  temps.push(project, home);
  cpSync(join(CORPORA, 'lst97__claude-code-sub-agents'), join(project, '.claude', 'agents'), { recursive: true, filter: (s) => !s.endsWith('.txt') });
  const ledgerFile = join(home, 'ledger.db');
  const db = openDatabase(ledgerFile);
  db.exec(`CREATE TABLE dispatches (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT, project TEXT, agent_type TEXT,
    via_proxy INTEGER NOT NULL DEFAULT 0, status TEXT, started_at INTEGER, total_tokens INTEGER)`);
  db.close();
  const record = (agentType: string, times = 1) => {
    const writer = openDatabase(ledgerFile);
    const insert = writer.prepare("INSERT INTO dispatches (session_id, project, agent_type, via_proxy, status, started_at, total_tokens) VALUES ('s', ?, ?, 1, 'completed', ?, 500)");
    for (let i = 0; i < times; i++) insert.run(project, agentType, Date.now());
    writer.close();
  };
  const options = {
    project,
    loadConfig: () => defaultConfig(),
    openLedger: () => openDatabase(ledgerFile, { readonly: true }),
    tokenCacheFile: false as const,
    quietMs: 1_000,
    pollMs: 250,
  };
  const planNow = () => {
    const ledger = openDatabase(ledgerFile, { readonly: true });
    try {
      return planProject(project, { config: defaultConfig(), ledger, tokenCacheFile: false });
    } finally {
      ledger.close();
    }
  };
  return { project, record, options, planNow, core: join(project, '.claude', 'agents'), extended: join(project, '.claude', 'agents-extended') };
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

const seen = (project: string) => JSON.parse(readFileSync(join(projectLayout(project).state, 'seen.json'), 'utf8')).agents as Record<string, { tier: string; arrivedAt: number | null }>;

afterEach(async () => {
  for (const w of watchers.splice(0)) await w.stop();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('curator watcher', () => {
  it('follows added, edited and deleted agents and new dispatches, within about 2 s of quiet', async () => {
    const { project, record, options, planNow, core, extended } = setup();
    const started = await startWatcher(options);
    if (!started.started) throw new Error('watcher did not start');
    watchers.push(started.watcher);
    // The first cycle runs before startWatcher returns: nothing was used, so everything moved out.
    expect(planNow().plan.moves).toEqual([]);
    expect(existsSync(join(extended, 'agent-organizer.md'))).toBe(true);

    const again = await startWatcher(options);
    expect(again).toEqual({ started: false, owner: expect.objectContaining({ pid: process.pid }) });

    // Added by the user: recorded as arriving now, and kept in core through its grace period.
    writeFileSync(join(core, 'fresh.md'), '---\nname: fresh\ndescription: Added while watching\n---\n');
    await waitFor('the arrival of fresh.md to be recorded', () => seen(project).fresh?.arrivedAt != null, 4_000);
    expect(existsSync(join(core, 'fresh.md'))).toBe(true);

    // New usage for an extended agent: promoted to core.
    record('ai-engineer', 3);
    const promoted = await waitFor('ai-engineer to move into core', () => existsSync(join(core, 'data-ai__ai-engineer.md')), 4_000);
    expect(promoted).toBeLessThan(4_000);
    expect(planNow().plan.moves).toEqual([]);

    // Edited: an extended agent renamed to a type with history follows its new name into core.
    record('renamed-hero', 2);
    const organizer = join(extended, 'agent-organizer.md');
    writeFileSync(organizer, readFileSync(organizer, 'utf8').replace(/^name: .*$/m, 'name: renamed-hero'));
    await waitFor('the renamed agent to move into core', () => existsSync(join(core, 'agent-organizer.md')), 4_000);

    // Deleted: the record forgets it, and the layout still follows the plan.
    rmSync(join(core, 'fresh.md'));
    await waitFor('fresh to be forgotten', () => seen(project).fresh === undefined, 4_000);
    expect(planNow().plan.moves).toEqual([]);

    await started.watcher.stop();
    expect(await started.watcher.done).toBe('stopped');
    expect(existsSync(join(projectLayout(project).state, 'watch.lock'))).toBe(false);
  });

  it('after a kill mid-apply, the next start rolls the batch back and re-applies; it exits when idle', async () => {
    const { project, options, planNow } = setup();
    const layout = projectLayout(project);
    const moves = planNow().plan.moves.map(({ from, to }) => ({ from, to }));
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    ensureStateDir(layout);
    writeJournal(layout, { version: 1, kind: 'apply', pid: deadPid, startedAt: Date.now(), moves });
    for (const m of moves.slice(0, 10)) moveAgentFile(project, m.from, m.to);
    for (const lock of ['watch.lock', 'apply.lock']) writeFileSync(join(layout.state, lock), JSON.stringify({ pid: deadPid, host: hostname(), since: 1 }));
    const logs: string[] = [];

    const started = await startWatcher({ ...options, idleMs: 1_500, log: (l) => logs.push(l) });
    if (!started.started) throw new Error('watcher did not take over the stale lock');
    watchers.push(started.watcher);
    expect(logs).toContain('rolled back an interrupted apply (10 moves undone)');
    expect(planNow().plan.moves).toEqual([]);
    expect(existsSync(join(layout.state, 'journal.json'))).toBe(false);
    expect(await started.watcher.done).toBe('idle');
  });

  it('creates the agent folders it watches when they are missing', async () => {
    const { project, options } = setup();
    rmSync(join(project, '.claude'), { recursive: true });
    mkdirSync(project, { recursive: true });
    const started = await startWatcher({ ...options, idleMs: 60_000 });
    if (!started.started) throw new Error('watcher did not start');
    watchers.push(started.watcher);
    expect(existsSync(join(project, '.claude', 'agents'))).toBe(true);
    writeFileSync(join(project, '.claude', 'agents', 'solo.md'), '---\nname: solo\ndescription: The only one\n---\n');
    await waitFor('solo to be recorded', () => seen(project).solo?.arrivedAt != null, 4_000);
  });
});

// Applying plans on real files: restore gives back the exact original layout, an interrupted batch
// is rolled back, nothing is ever overwritten, and symlinks never lead a move out of the project.
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/runtime/config/schema';
import { applyProject, planProject, restoreProject } from '../../src/core/curator/curate';
import { writeJournal } from '../../src/core/curator/journal';
import { UnsafePathError, projectLayout, resolveAgentPath } from '../../src/core/curator/layout';
import { tryLock } from '../../src/core/curator/lock';
import { moveAgentFile } from '../../src/core/curator/move';
import { ensureStateDir } from '../../src/core/curator/state-file';
import { CORPORA } from '../support/fixtures';

const NOW = Date.UTC(2026, 10, 23, 12);
const temps: string[] = [];
const ledgers: SqliteDb[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function tempProject(): string {
  const project = tempDir('curator-apply-');
  const agents = join(project, '.claude', 'agents');
  cpSync(join(CORPORA, '0xfurai__claude-code-subagents'), agents, { recursive: true, filter: (s) => !s.endsWith('.txt') });
  cpSync(join(CORPORA, 'lst97__claude-code-sub-agents'), join(agents, 'team', 'lst97'), { recursive: true, filter: (s) => !s.endsWith('.txt') });
  mkdirSync(join(project, '.claude', 'agents-extended', 'old'), { recursive: true });
  writeFileSync(join(project, '.claude', 'agents-extended', 'old', 'legacy.md'), '---\nname: legacy\ndescription: Kept aside by the user\n---\n');
  writeFileSync(join(project, '.claude', 'settings.json'), '{}\n');
  return project;
}

function tempLedger(project: string, used: string[]): SqliteDb {
  const db = openDatabase(join(tempDir('curator-ledger-'), 'ledger.db'));
  ledgers.push(db);
  db.exec('CREATE TABLE dispatches (id INTEGER PRIMARY KEY, project TEXT, agent_type TEXT, via_proxy INTEGER, status TEXT, started_at INTEGER, total_tokens INTEGER)');
  const insert = db.prepare("INSERT INTO dispatches (project, agent_type, via_proxy, status, started_at, total_tokens) VALUES (?, ?, 0, 'completed', ?, 10)");
  for (const name of used) insert.run(project, name, NOW - 1000);
  return db;
}

const config = (): Config => defaultConfig();
const input = (db: SqliteDb | undefined, now = NOW) => ({ config: config(), ledger: db, now, tokenCacheFile: false as const });

/** Every file and folder under .claude, with each file's sha256: the layout, byte for byte. */
function snapshot(project: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        out[path + '/'] = 'dir';
        walk(join(dir, entry.name), path);
      } else out[path] = createHash('sha256').update(readFileSync(join(dir, entry.name))).digest('hex');
    }
  };
  walk(join(project, '.claude'), '.claude');
  return out;
}

const fileHashes = (snap: Record<string, string>) => Object.values(snap).filter((v) => v !== 'dir').sort();

afterEach(() => {
  for (const db of ledgers.splice(0)) db.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('apply and restore', () => {
  it('apply moves the unused agents; restore puts back the exact original layout', async () => {
    const project = tempProject();
    const before = snapshot(project);
    const db = tempLedger(project, ['rust-expert', 'product-manager']);

    const outcome = await applyProject(project, input(db));
    expect(outcome.applied?.refused).toEqual([]);
    expect(outcome.applied?.manifestCreated).toBe(true);
    expect(outcome.applied?.moved.length).toBe(136 + 37 - 2);
    const curated = snapshot(project);
    expect(curated['.claude/agents/rust-expert.md']).toBe(before['.claude/agents/rust-expert.md']);
    expect(curated['.claude/agents-extended/go-expert.md']).toBe(before['.claude/agents/go-expert.md']);
    expect(curated['.claude/agents-extended/team/lst97/agent-organizer.md']).toBeDefined();
    expect(curated['.claude/agents/sqs-expert.md']).toBeDefined(); // not listed, so never moved
    expect(curated['.claude/agents/team/lst97/business__product-manager.md']).toBeDefined();
    expect(curated['.claude/agents/team/lst97/data-ai__ai-engineer.md']).toBeUndefined();
    // Same agent files, byte for byte, plus the curator's own state files.
    const stateFiles = Object.keys(curated).filter((p) => p.includes('/.agent-warden/') && !p.endsWith('/'));
    expect(fileHashes(curated).length).toBe(fileHashes(before).length + stateFiles.length);
    const agentHashes = Object.entries(curated).filter(([p, h]) => h !== 'dir' && !p.includes('/.agent-warden/')).map(([, h]) => h).sort();
    expect(agentHashes).toEqual(fileHashes(before));

    const restored = await restoreProject(project);
    expect(restored.result).toMatchObject({ restored: expect.any(Array), missing: [], refused: [] });
    expect(restored.result.restored).toHaveLength(171);
    expect(snapshot(project)).toEqual(before);
  });

  it('restore also returns agents added after the first apply to where the user put them', async () => {
    const project = tempProject();
    const db = tempLedger(project, []);
    await applyProject(project, input(db));
    const later = join(project, '.claude', 'agents', 'late', 'late.md');
    mkdirSync(join(project, '.claude', 'agents', 'late'));
    writeFileSync(later, '---\nname: late\ndescription: added after the first apply\n---\n');
    const withLate = snapshot(project);
    // Seen the next day (grace starts), out of its grace period a month later, it is moved out…
    await applyProject(project, input(db, NOW + 86_400_000));
    expect(existsSync(later)).toBe(true);
    await applyProject(project, input(db, NOW + 30 * 86_400_000));
    expect(existsSync(later)).toBe(false);
    await restoreProject(project);
    // …and restore brings it back with everything else.
    const restored = snapshot(project);
    expect(restored['.claude/agents/late/late.md']).toBe(withLate['.claude/agents/late/late.md']);
    expect(restored['.claude/agents/go-expert.md']).toBeDefined();
    expect(existsSync(join(project, '.claude', 'agents-extended', '.agent-warden'))).toBe(false);
  });

  it('never overwrites: a target that exists blocks the move and both files stay as they are', async () => {
    const project = tempProject();
    const db = tempLedger(project, []);
    const squatter = join(project, '.claude', 'agents-extended', 'go-expert.md');
    writeFileSync(squatter, 'the user wrote this\n');
    const original = readFileSync(join(project, '.claude', 'agents', 'go-expert.md'));

    const { plan } = planProject(project, input(db));
    expect(plan.blocked).toEqual([expect.objectContaining({ name: 'go-expert', why: 'a file already exists there' })]);
    expect(plan.moves.find((m) => m.name === 'go-expert')).toBeUndefined();
    await applyProject(project, input(db));
    expect(readFileSync(squatter, 'utf8')).toBe('the user wrote this\n');
    expect(readFileSync(join(project, '.claude', 'agents', 'go-expert.md'))).toEqual(original);

    // Directly, too: a file appearing at the target between plan and move is not replaced.
    writeFileSync(join(project, '.claude', 'agents-extended', 'rust-expert.md'), 'also mine\n');
    rmSync(join(project, '.claude', 'agents-extended', 'rust-expert.md'));
    writeFileSync(join(project, '.claude', 'agents', 'new-one.md'), '---\nname: new-one\ndescription: x\n---\n');
    writeFileSync(join(project, '.claude', 'agents-extended', 'new-one.md'), 'squatting\n');
    expect(moveAgentFile(project, '.claude/agents/new-one.md', '.claude/agents-extended/new-one.md')).toEqual({ ok: false, why: 'a file already exists at the target' });
    expect(readFileSync(join(project, '.claude', 'agents-extended', 'new-one.md'), 'utf8')).toBe('squatting\n');
  });
});

describe('interrupted apply', () => {
  it('a journal with half the moves done is rolled back, then the plan is applied from scratch', async () => {
    const project = tempProject();
    const before = snapshot(project);
    const db = tempLedger(project, ['rust-expert']);
    const layout = projectLayout(project);
    const { plan } = planProject(project, input(db));
    const moves = plan.moves.map(({ from, to }) => ({ from, to }));
    // What a process killed halfway leaves behind: the journal, half the files moved, a dead lock.
    ensureStateDir(layout);
    writeJournal(layout, { version: 1, kind: 'apply', pid: 999_999, startedAt: NOW, moves });
    const half = moves.slice(0, Math.floor(moves.length / 2));
    for (const m of half) expect(moveAgentFile(project, m.from, m.to).ok).toBe(true);
    // …one of them caught between link and unlink:
    const caught = moves[half.length]!;
    linkSync(resolveAgentPath(project, caught.from).abs, resolveAgentPath(project, caught.to).abs);
    writeFileSync(join(layout.state, 'apply.lock'), JSON.stringify({ pid: 999_999, host: require('node:os').hostname(), since: NOW }));

    const pending = planProject(project, input(db));
    expect(pending.pendingRecovery).toBe(true);

    const outcome = await applyProject(project, input(db));
    expect(outcome.recovered).toMatchObject({ kind: 'apply', rolledBack: half.length + 1, conflicts: [] });
    expect(outcome.applied?.moved).toHaveLength(moves.length);
    expect(planProject(project, input(db)).plan.moves).toEqual([]);
    expect(existsSync(join(layout.state, 'journal.json'))).toBe(false);

    await restoreProject(project);
    expect(snapshot(project)).toEqual(before);
  });
});

describe('refusals', () => {
  it('refuses paths outside the agent folders', () => {
    const project = tempDir('curator-paths-');
    for (const bad of ['../x.md', '/etc/passwd.md', '.claude/agents/../../x.md', '.claude/agents/a\\b.md', '.claude/other/x.md', '.claude/agents/x.txt', '.claude/agents-extended/.agent-warden/x.md']) {
      expect(() => resolveAgentPath(project, bad), bad).toThrow(UnsafePathError);
    }
    expect(moveAgentFile(project, '.claude/agents/../../../etc/x.md', '.claude/agents-extended/x.md')).toMatchObject({ ok: false });
  });

  it('a symlinked extended folder (pointing out of the project) gets nothing moved into it', async () => {
    const project = tempProject();
    rmSync(join(project, '.claude', 'agents-extended'), { recursive: true });
    const elsewhere = tempDir('curator-elsewhere-');
    symlinkSync(elsewhere, join(project, '.claude', 'agents-extended'));
    const db = tempLedger(project, []);
    expect(moveAgentFile(project, '.claude/agents/go-expert.md', '.claude/agents-extended/go-expert.md')).toMatchObject({ ok: false, why: expect.stringContaining('symlink') });
    // The curator's state lives inside that folder, so apply stops before writing anything at all.
    await expect(applyProject(project, input(db))).rejects.toThrow(/agents-extended is a symlink/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(project, '.claude', 'agents', 'go-expert.md'))).toBe(true);
  });

  it('a symlinked agent, or a symlinked folder inside the agents folder, is never moved', async () => {
    const project = tempProject();
    const outside = tempDir('curator-outside-');
    writeFileSync(join(outside, 'linked.md'), '---\nname: linked\ndescription: lives elsewhere\n---\n');
    mkdirSync(join(outside, 'pack'));
    writeFileSync(join(outside, 'pack', 'packed.md'), '---\nname: packed\ndescription: in a linked folder\n---\n');
    symlinkSync(join(outside, 'linked.md'), join(project, '.claude', 'agents', 'linked.md'));
    symlinkSync(join(outside, 'pack'), join(project, '.claude', 'agents', 'pack'));
    const db = tempLedger(project, []);
    const outcome = await applyProject(project, input(db));
    expect(outcome.applied?.moved.map((m) => m.name)).not.toContain('linked');
    expect(outcome.applied?.moved.map((m) => m.name)).not.toContain('packed');
    expect(lstatSync(join(project, '.claude', 'agents', 'linked.md')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(outside, 'pack', 'packed.md'))).toBe(true);
    expect(moveAgentFile(project, '.claude/agents/linked.md', '.claude/agents-extended/linked.md')).toEqual({ ok: false, why: 'the source is a symlink' });
    expect(moveAgentFile(project, '.claude/agents/pack/packed.md', '.claude/agents-extended/pack/packed.md')).toEqual({
      ok: false,
      why: 'a folder on the way to the source is a symlink',
    });
  });
});

describe('locks', () => {
  it('one holder at a time; a lock whose process is gone is taken over', () => {
    const dir = tempDir('curator-lock-');
    const file = join(dir, 'x.lock');
    const first = tryLock(file, { staleMs: 60_000 });
    expect(first.ok).toBe(true);
    const second = tryLock(file, { staleMs: 60_000 });
    expect(second).toEqual({ ok: false, owner: expect.objectContaining({ pid: process.pid }) });
    if (first.ok) first.lock.release();
    expect(existsSync(file)).toBe(false);

    writeFileSync(file, JSON.stringify({ pid: 999_999, host: require('node:os').hostname(), since: 1 }));
    const taken = tryLock(file, { staleMs: 60_000 });
    expect(taken.ok).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
  });
});

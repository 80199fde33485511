// A repository can ship the curator's state paths as symlinks out of the project. The curator must
// refuse them with a message and write, overwrite or delete nothing where they point. Killed runs
// must not leave `*.tmp` and `apply.lock.*` files behind forever.
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/runtime/config/schema';
import { applyProject, restoreProject } from '../../src/core/curator/curate';
import { projectLayout } from '../../src/core/curator/layout';
import { CORPORA } from '../support/fixtures';

const temps: string[] = [];
const ledgers: SqliteDb[] = [];
afterEach(() => {
  for (const db of ledgers.splice(0)) db.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function tempProject(): string {
  const project = tempDir('curator-link-');
  cpSync(join(CORPORA, '0xfurai__claude-code-subagents'), join(project, '.claude', 'agents'), { recursive: true, filter: (s) => !s.endsWith('.txt') });
  return project;
}

function emptyLedger(): SqliteDb {
  const db = openDatabase(join(tempDir('curator-link-ledger-'), 'ledger.db'));
  ledgers.push(db);
  db.exec('CREATE TABLE dispatches (id INTEGER PRIMARY KEY, project TEXT, agent_type TEXT, via_proxy INTEGER, status TEXT, started_at INTEGER, total_tokens INTEGER)');
  return db;
}

/** Every file under `dir` with its hash (and names of everything): to prove nothing changed. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) out[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  return out;
}

/** A folder outside the project that looks like curator state, so a followed link would touch it. */
function victimDir(): string {
  const victim = tempDir('curator-victim-');
  const stale = JSON.stringify({ pid: 999_999, host: require('node:os').hostname(), since: 1 });
  writeFileSync(join(victim, 'apply.lock'), stale);
  writeFileSync(join(victim, 'watch.lock'), stale);
  writeFileSync(join(victim, 'seen.json'), '{"version":1,"agents":{}}\n');
  writeFileSync(join(victim, 'manifest.json'), '{"precious": true}\n');
  writeFileSync(join(victim, 'journal.json'), '{"version":1,"kind":"apply","pid":999999,"startedAt":1,"moves":[]}\n');
  writeFileSync(join(victim, '.gitignore'), 'mine\n');
  writeFileSync(join(victim, 'notes.txt'), 'the user\'s own file\n');
  return victim;
}

describe('curator state paths that are symlinks', () => {
  it('a shipped .claude/agents-extended/.agent-warden symlink: apply and restore refuse it, and nothing where it points changes', async () => {
    const project = tempProject();
    const victim = victimDir();
    mkdirSync(join(project, '.claude', 'agents-extended'), { recursive: true });
    symlinkSync(victim, projectLayout(project).state);
    const before = fingerprint(victim);

    await expect(applyProject(project, { config: defaultConfig(), ledger: emptyLedger(), tokenCacheFile: false })).rejects.toThrow(/\.agent-warden is a symlink.*nothing was written/);
    await expect(restoreProject(project)).rejects.toThrow(/symlink/);
    expect(fingerprint(victim)).toEqual(before);
    expect(existsSync(join(project, '.claude', 'agents', 'go-expert.md'))).toBe(true);
  });

  it('a symlinked .claude/agents-extended: the state dir is not created through it', async () => {
    const project = tempProject();
    const victim = victimDir();
    symlinkSync(victim, join(project, '.claude', 'agents-extended'));
    const before = fingerprint(victim);
    await expect(applyProject(project, { config: defaultConfig(), ledger: emptyLedger(), tokenCacheFile: false })).rejects.toThrow(/agents-extended is a symlink/);
    expect(fingerprint(victim)).toEqual(before);
  });

  it('state files that are symlinks are never read or written through', async () => {
    const project = tempProject();
    const victim = victimDir();
    const state = projectLayout(project).state;
    mkdirSync(state, { recursive: true });
    for (const f of ['seen.json', 'manifest.json', 'journal.json']) symlinkSync(join(victim, f), join(state, f));
    const before = fingerprint(victim);
    await applyProject(project, { config: defaultConfig(), ledger: emptyLedger(), tokenCacheFile: false }).catch(() => undefined);
    await restoreProject(project).catch(() => undefined);
    expect(fingerprint(victim)).toEqual(before);
  });
});

describe('leftovers of killed runs', () => {
  it('stale *.tmp and apply.lock.* files of dead processes are removed by the next apply; a live process\'s are kept', async () => {
    const project = tempProject();
    const state = projectLayout(project).state;
    mkdirSync(state, { recursive: true });
    const dead = 999_999;
    const leftovers = [`seen.json.${dead}.abc123.tmp`, `manifest.json.${dead}.def456.tmp`, `apply.lock.${dead}.ghi789`, `apply.lock.stale.${dead}.jkl012`, `watch.lock.${dead}.mno345`];
    for (const f of leftovers) writeFileSync(join(state, f), '{}');
    // An old leftover whose pid happens to be alive (reused) is stale by age.
    writeFileSync(join(state, `seen.json.${process.pid}.old.tmp`), '{}');
    utimesSync(join(state, `seen.json.${process.pid}.old.tmp`), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    // A fresh one of a live process may be a write in progress: kept.
    writeFileSync(join(state, `seen.json.${process.pid}.fresh.tmp`), '{}');
    await applyProject(project, { config: defaultConfig(), ledger: emptyLedger(), tokenCacheFile: false });
    const left = readdirSync(state);
    for (const f of leftovers) expect(left).not.toContain(f);
    expect(left).not.toContain(`seen.json.${process.pid}.old.tmp`);
    expect(left).toContain(`seen.json.${process.pid}.fresh.tmp`);
  });
});

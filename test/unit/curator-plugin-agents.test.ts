// User and plugin agents in the curator: the catalog names plugin agents `<plugin>:<name>` and counts
// them as the client lists them (a disabled plugin costs nothing); hiding them writes deny rules
// into the project's settings.local.json only, merged with the user's, and restore gives the file's
// exact bytes back. Unsafe or unparseable settings are never touched. Real files in temp dirs.
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/runtime/config/schema';
import { applyProject, restoreProject } from '../../src/core/curator/curate';
import fs from 'node:fs';
import path from 'node:path';
import { SettingsRefusedError, hiddenByCurator, restoreSettings, writeHiddenAgents } from '../../src/core/curator/agent-rules';
import { buildCatalog } from '../../src/core/curator/catalog';
import { recoverInterrupted, writeJournal } from '../../src/core/curator/journal';
import { projectLayout } from '../../src/core/curator/layout';
import { listingLine } from '../../src/core/curator/listing';
import { ensureStateDir } from '../../src/core/curator/state-file';
import { findHiddenAgent } from '../../src/core/discovery/resolve';
import { countTokens } from '../../src/runtime/tokens/count';
import { makeTempDir, type TempDir } from '../support/sandbox';

const dirs: TempDir[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function setup() {
  const home = makeTempDir('plugin-home');
  const project = makeTempDir('plugin-project');
  dirs.push(home, project);
  const install = (plugin: string) => path.join(home.path, '.claude', 'plugins', 'cache', 'mkt', plugin, '1.0.0');
  write(path.join(install('reviewers'), 'agents', 'strict.md'), '---\nname: strict\ndescription: Reviews strictly.\ntools: Read, Grep\n---\nSTRICT_BODY');
  write(path.join(install('reviewers'), 'agents', 'lang', 'go.md'), '---\ndescription: Go reviews.\n---\nBody');
  write(path.join(install('noisy'), 'agents', 'chatty.md'), '---\nname: chatty\ndescription: Talks a lot.\n---\nBody');
  write(
    path.join(home.path, '.claude', 'plugins', 'installed_plugins.json'),
    JSON.stringify({ version: 2, plugins: { 'reviewers@mkt': [{ scope: 'user', installPath: install('reviewers') }], 'noisy@mkt': [{ scope: 'user', installPath: install('noisy') }] } }),
  );
  write(path.join(home.path, '.claude', 'settings.json'), JSON.stringify({ enabledPlugins: { 'reviewers@mkt': true, 'noisy@mkt': true } }));
  write(path.join(home.path, '.claude', 'agents', 'mine.md'), '---\nname: mine\ndescription: The user agent.\n---\nMINE_BODY');
  const layout = projectLayout(project.path);
  ensureStateDir(layout);
  const catalog = () => buildCatalog(project.path, { userDir: path.join(home.path, '.claude', 'agents'), pluginHome: home.path, tokenCacheFile: false });
  return { home: home.path, project: project.path, layout, catalog, settings: path.join(project.path, '.claude', 'settings.local.json') };
}

describe('the catalog of user and plugin agents', () => {
  it('names plugin agents <plugin>:<name>, counts them as listed, and skips a plugin disabled in this project', () => {
    const t = setup();
    write(path.join(t.project, '.claude', 'settings.json'), JSON.stringify({ enabledPlugins: { 'noisy@mkt': false } }));
    const entries = t.catalog().entries;
    expect(entries.map((e) => `${e.tier} ${e.name}`).sort()).toEqual(['plugin reviewers:lang:go', 'plugin reviewers:strict', 'user mine']);
    const strict = entries.find((e) => e.name === 'reviewers:strict')!;
    expect(strict.plugin).toBe('reviewers');
    expect(strict.listingTokens).toBe(countTokens(listingLine('reviewers:strict', 'Reviews strictly.', ['Read', 'Grep'])));
    expect(entries.every((e) => e.listable && e.movable && !e.hidden)).toBe(true);
  });

  it("marks the curator's hidden agents, and treats the user's own deny rule as not listed and not ours", () => {
    const t = setup();
    write(t.settings, JSON.stringify({ permissions: { deny: ['Agent(noisy:chatty)'] } }));
    writeHiddenAgents(t.layout, ['mine', 'reviewers:strict'], () => {});
    const byName = new Map(t.catalog().entries.map((e) => [e.name, e]));
    expect(byName.get('mine')?.hidden).toBe(true);
    expect(byName.get('reviewers:strict')?.hidden).toBe(true);
    expect(byName.get('noisy:chatty')).toMatchObject({ listable: false, movable: false });
    expect(byName.get('noisy:chatty')?.hidden).toBeFalsy();
  });
});

describe('deny rules in settings.local.json', () => {
  it("are merged with the user's settings, and restore gives back the exact bytes", () => {
    const t = setup();
    const original = '{"permissions":{"allow":["Bash(ls:*)"],"deny":["Bash(rm:*)"]},  "env":{"A":"1"}}\n';
    write(t.settings, original);
    writeHiddenAgents(t.layout, ['noisy:chatty', 'mine'], () => {});
    const merged = JSON.parse(fs.readFileSync(t.settings, 'utf8'));
    expect(merged).toEqual({ permissions: { allow: ['Bash(ls:*)'], deny: ['Bash(rm:*)', 'Agent(noisy:chatty)', 'Agent(mine)'] }, env: { A: '1' } });
    // A second apply with a different set replaces only the curator's rules.
    writeHiddenAgents(t.layout, ['mine'], () => {});
    expect(JSON.parse(fs.readFileSync(t.settings, 'utf8')).permissions.deny).toEqual(['Bash(rm:*)', 'Agent(mine)']);
    expect(hiddenByCurator(t.layout)).toEqual(['mine']);
    expect(restoreSettings(t.layout)).toEqual({ action: 'restored' });
    expect(fs.readFileSync(t.settings, 'utf8')).toBe(original);
    expect(hiddenByCurator(t.layout)).toEqual([]);
  });

  it('a file that did not exist is removed by restore; showing everything again also gives the original back', () => {
    const t = setup();
    writeHiddenAgents(t.layout, ['mine'], () => {});
    expect(JSON.parse(fs.readFileSync(t.settings, 'utf8'))).toEqual({ permissions: { deny: ['Agent(mine)'] } });
    expect(restoreSettings(t.layout)).toEqual({ action: 'removed' });
    expect(fs.existsSync(t.settings)).toBe(false);

    const original = '{ "env": {} }';
    write(t.settings, original);
    writeHiddenAgents(t.layout, ['mine'], () => {});
    writeHiddenAgents(t.layout, [], () => {});
    expect(fs.readFileSync(t.settings, 'utf8')).toBe(original);
  });

  it('keeps edits the user made after the curator wrote, taking out only its own rules', () => {
    const t = setup();
    writeHiddenAgents(t.layout, ['mine'], () => {});
    const edited = JSON.parse(fs.readFileSync(t.settings, 'utf8'));
    edited.permissions.deny.push('Bash(curl:*)');
    fs.writeFileSync(t.settings, JSON.stringify(edited));
    expect(restoreSettings(t.layout).action).toBe('rules-removed');
    expect(JSON.parse(fs.readFileSync(t.settings, 'utf8'))).toEqual({ permissions: { deny: ['Bash(curl:*)'] } });
  });

  it('never touches a file that is not valid JSON, nor writes through a symlink', () => {
    const t = setup();
    write(t.settings, '{ not json');
    expect(() => writeHiddenAgents(t.layout, ['mine'], () => {})).toThrow(SettingsRefusedError);
    expect(fs.readFileSync(t.settings, 'utf8')).toBe('{ not json');
    expect(t.catalog().problems.map((p) => p.kind)).toContain('settings-unusable');
    expect(t.catalog().entries.every((e) => !e.movable)).toBe(true);

    fs.rmSync(t.settings);
    const elsewhere = path.join(t.home, 'elsewhere.json');
    write(elsewhere, '{}');
    fs.symlinkSync(elsewhere, t.settings);
    expect(() => writeHiddenAgents(t.layout, ['mine'], () => {})).toThrow(/symlink/);
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('{}');
    expect(fs.lstatSync(t.settings).isSymbolicLink()).toBe(true);
  });

  it('an apply that died after writing the file is rolled back from the journal', () => {
    const t = setup();
    const original = '{"x":1}';
    write(t.settings, original);
    writeHiddenAgents(t.layout, ['mine'], (before) => writeJournal(t.layout, { version: 1, kind: 'apply', pid: 1, startedAt: 0, moves: [], settingsBefore: before }));
    expect(fs.readFileSync(t.settings, 'utf8')).not.toBe(original);
    const report = recoverInterrupted(t.layout);
    expect(report?.conflicts).toEqual([]);
    expect(fs.readFileSync(t.settings, 'utf8')).toBe(original);
  });
});

describe('reaching a hidden agent', () => {
  it('finds a plugin or user agent only while the curator hides it here', () => {
    const t = setup();
    expect(findHiddenAgent(t.project, 'reviewers:strict', t.home)).toBeUndefined();
    writeHiddenAgents(t.layout, ['reviewers:strict', 'reviewers:lang:go', 'mine'], () => {});
    expect(findHiddenAgent(t.project, 'reviewers:strict', t.home)).toMatchObject({ name: 'reviewers:strict', body: 'STRICT_BODY' });
    expect(findHiddenAgent(t.project, 'reviewers:lang:go', t.home)).toMatchObject({ name: 'reviewers:lang:go', description: 'Go reviews.' });
    expect(findHiddenAgent(t.project, 'mine', t.home)).toMatchObject({ name: 'mine', body: 'MINE_BODY' });
    expect(findHiddenAgent(t.project, 'noisy:chatty', t.home)).toBeUndefined();
  });
});

describe('core apply and restore with user and plugin agents', () => {
  it('hides the unused ones, keeps the used one listed, and restore leaves no trace in a project that had no .claude', async () => {
    const t = setup();
    fs.rmSync(path.join(t.project, '.claude'), { recursive: true });
    const ledgerDir = makeTempDir('plugin-ledger');
    dirs.push(ledgerDir);
    const db = openDatabase(path.join(ledgerDir.path, 'ledger.db'));
    db.exec('CREATE TABLE dispatches (id INTEGER PRIMARY KEY, project TEXT, agent_type TEXT, via_proxy INTEGER, status TEXT, started_at INTEGER, total_tokens INTEGER)');
    db.prepare("INSERT INTO dispatches (project, agent_type, via_proxy, status, started_at, total_tokens) VALUES (?, 'reviewers:strict', 0, 'completed', ?, 100)").run(t.project, Date.now());
    const input = { config: defaultConfig(), ledger: db, userDir: path.join(t.home, '.claude', 'agents'), pluginHome: t.home, tokenCacheFile: false as const };

    const outcome = await applyProject(t.project, input);
    const { plan } = outcome.planned;
    expect(plan.visibility.map((v) => `${v.direction} ${v.source} ${v.name}`).sort()).toEqual(['hide plugin noisy:chatty', 'hide plugin reviewers:lang:go', 'hide user mine']);
    expect(plan.hiddenAfter).toEqual(['mine', 'noisy:chatty', 'reviewers:lang:go']);
    expect(plan.bySource.after.plugin).toBe(t.catalog().entries.find((e) => e.name === 'reviewers:strict')!.listingTokens);
    expect(plan.bySource.after.user).toBe(0);
    expect(plan.bySource.before.user).toBeGreaterThan(0);
    expect(outcome.applied?.visibility).toHaveLength(3);
    expect(JSON.parse(fs.readFileSync(t.settings, 'utf8')).permissions.deny).toEqual(['Agent(mine)', 'Agent(noisy:chatty)', 'Agent(reviewers:lang:go)']);
    // A second apply changes nothing.
    const again = await applyProject(t.project, input);
    expect(again.planned.plan.visibility).toEqual([]);
    expect(again.planned.plan.after).toEqual(plan.after);

    const restored = await restoreProject(t.project);
    expect(restored.settings).toEqual({ action: 'removed' });
    expect(restored.result.neverApplied).toBe(false);
    expect(fs.existsSync(path.join(t.project, '.claude')) && fs.readdirSync(path.join(t.project, '.claude'), { recursive: true })).toBe(false);
    db.close();
  });
});

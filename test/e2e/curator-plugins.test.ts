/**
 * Curating the agents of installed plugins (and the user's own), end to end on the real CLI: twelve
 * plugins of five agents each are installed from a local marketplace into the sandbox HOME, a
 * session uses two of them, and `agent-warden core apply` hides the rest from this project's listing
 * with deny rules in `.claude/settings.local.json` (merged with the user's). The next session's
 * listing, read from the mock model's request, is measured; a hidden plugin agent named by the model
 * still runs (proxied) and is logged under its own name; `core restore` gives every settings file
 * back byte for byte, and no plugin file changes at any point.
 */
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../src/runtime/tokens/count';
import { DEFAULT_ALLOWED_TOOLS, execClaude, makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { conversation, dispatch, text, toolUse } from '../support/conversation';
import { agentListing, firstUserText, isMainThread, isSubagent, listedAgentTypes, toolResults, type MockModel } from '../support/mock-model';
import { CORPORA } from '../support/fixtures';
import { PLUGIN_DIR, REPO, cliJson } from '../support/warden';
import { scratch } from '../support/scratch';

const { temp, mock } = scratch();

const PLUGINS = 12;
const PER_PLUGIN = 5;
const MARKETPLACE = 'aw-local';
const TOOL_PREFIX = 'mcp__plugin_agent-warden_warden__';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every folder and file under `dir` (symlinks as their target), as sorted lines: equal trees give equal lists. */
function tree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) out.push(`L ${r} ${fs.readlinkSync(path.join(dir, r))}`);
    else if (entry.isDirectory()) out.push(`D ${r}`, ...tree(dir, r));
    else out.push(`F ${r} ${sha(path.join(dir, r))}`);
  }
  return out.sort();
}

/** A local marketplace of twelve plugins, each with five agent files of a real collection. */
function buildMarketplace(): { dir: string; agents: string[][] } {
  const dir = temp(makeTempDir('marketplace'));
  const corpus = path.join(CORPORA, '0xfurai__claude-code-subagents');
  const files = fs
    .readdirSync(corpus)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .filter((f) => /^---\nname: /.test(fs.readFileSync(path.join(corpus, f), 'utf8')))
    .slice(0, PLUGINS * PER_PLUGIN);
  const agents: string[][] = [];
  const plugins = [];
  for (let i = 0; i < PLUGINS; i++) {
    const name = `plug-${String(i + 1).padStart(2, '0')}`;
    const root = path.join(dir, name);
    fs.mkdirSync(path.join(root, '.claude-plugin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'agents'));
    fs.writeFileSync(path.join(root, '.claude-plugin', 'plugin.json'), JSON.stringify({ name, version: '1.0.0', description: `test plugin ${name}` }));
    const mine = files.slice(i * PER_PLUGIN, (i + 1) * PER_PLUGIN);
    for (const f of mine) fs.copyFileSync(path.join(corpus, f), path.join(root, 'agents', f));
    agents.push(mine.map((f) => `${name}:${/^name: (.+)$/m.exec(fs.readFileSync(path.join(corpus, f), 'utf8'))![1]!.trim()}`));
    plugins.push({ name, source: `./${name}`, description: `test plugin ${name}` });
  }
  fs.mkdirSync(path.join(dir, '.claude-plugin'));
  fs.writeFileSync(path.join(dir, '.claude-plugin', 'marketplace.json'), JSON.stringify({ name: MARKETPLACE, owner: { name: 'agent-warden tests' }, plugins }, null, 2));
  return { dir, agents };
}

async function claudeOk(args: string[], home: string, cwd: string): Promise<void> {
  const ran = await execClaude(args, { home, cwd, timeoutMs: 120_000 });
  expect(ran.exitCode, `claude ${args.join(' ')}: ${ran.stdout}${ran.stderr}`).toBe(0);
}

function firstListing(model: MockModel): { types: string[]; tokens: number } {
  const first = model.modelRequests().find(isMainThread);
  const listing = first && agentListing(first);
  if (!first || listing === undefined) throw new Error('the first main-thread request carried no agent listing');
  return { types: listedAgentTypes(first), tokens: countTokens(listing) };
}

function dispatchRows(wardenHome: string): Array<Record<string, unknown>> {
  const db = openDatabase(path.join(wardenHome, 'ledger.db'), { readonly: true });
  try {
    return db.prepare('SELECT agent_type, requested_type, via_proxy, status FROM dispatches ORDER BY rowid').all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

const USER_AGENT = '---\nname: notes-keeper\ndescription: Keeps meeting notes tidy. Use when the user shares raw notes.\n---\nYou keep notes.\n';
// The user's own local settings, oddly formatted on purpose: restore must give these exact bytes back.
const LOCAL_SETTINGS = '{"permissions":{"allow":["Bash(ls:*)"],\n  "deny": ["Bash(rm -rf:*)"]},   "env": {"KEEP": "1"}}\n';
const SHARED_SETTINGS = '{\n\t"env": { "SHARED": "yes" }\n}\n';

describe('curating plugin and user agents', () => {
  it('hides unused plugin agents per project, keeps used ones, proxies a hidden one, and restores settings byte for byte', async () => {
    const home = temp(makeHome());
    const wardenHome = temp(makeHome());
    const project = temp(makeProject());
    const { dir: marketplace, agents } = buildMarketplace();
    await claudeOk(['plugin', 'marketplace', 'add', marketplace], home, project);
    for (let i = 1; i <= PLUGINS; i++) await claudeOk(['plugin', 'install', `plug-${String(i).padStart(2, '0')}@${MARKETPLACE}`], home, project);
    fs.mkdirSync(path.join(home, '.claude', 'agents'), { recursive: true });
    fs.writeFileSync(path.join(home, '.claude', 'agents', 'notes-keeper.md'), USER_AGENT);
    fs.mkdirSync(path.join(project, '.claude'));
    fs.writeFileSync(path.join(project, '.claude', 'settings.local.json'), LOCAL_SETTINGS);
    fs.writeFileSync(path.join(project, '.claude', 'settings.json'), SHARED_SETTINGS);

    const cache = path.join(home, '.claude', 'plugins', 'cache');
    const pluginsBefore = tree(cache);
    const marketplaceBefore = tree(marketplace);
    expect(pluginsBefore.filter((l) => l.startsWith('F ') && l.includes('/agents/'))).toHaveLength(PLUGINS * PER_PLUGIN);
    const projectBefore = tree(path.join(project, '.claude'));
    const allPluginAgents = agents.flat();
    const used = [agents[0]![0]!, agents[6]![2]!];
    const hiddenPick = agents[2]![1]!;
    const cli = (args: string[]) => cliJson(args, wardenHome, { env: { HOME: home } });

    // 1. A session that uses two plugin agents; the ledger records them. Everything is listed.
    const chat1 = conversation().main(...used.map((type) => dispatch({ subagent_type: type, prompt: `TASK_FOR_${type}`, run_in_background: false })), text('Session done.'));
    for (const type of used) chat1.subagent(`TASK_FOR_${type}`, text(`REPORT from ${type}`));
    const model1 = await mock(chat1.script());
    const run1 = await runClaude({ prompt: 'work', modelUrl: model1.url, home, cwd: project, pluginDirs: [PLUGIN_DIR], wardenHome, timeoutMs: 120_000 });
    expect(run1.exitCode, run1.stderr).toBe(0);
    expect(run1.result?.subagent_stats.by_type).toEqual(Object.fromEntries(used.map((t) => [t, 1])));
    const full = firstListing(model1);
    expect(full.types).toEqual(expect.arrayContaining([...allPluginAgents, 'notes-keeper']));

    // 2. The plan sees every agent with its source, and the listing cost by source.
    const plan = cli(['core', 'plan', '--project', project]);
    expect(plan.listing.before.agents).toBe(allPluginAgents.length + 1);
    expect(plan.listing_by_source.before.plugin).toBeGreaterThan(0);
    expect(plan.listing_by_source.before.user).toBeGreaterThan(0);
    expect(plan.listing_by_source.before.project).toBe(0);
    const hides = plan.visibility.filter((v: { direction: string }) => v.direction === 'hide').map((v: { name: string }) => v.name);
    expect(hides.sort()).toEqual([...allPluginAgents.filter((a) => !used.includes(a)), 'notes-keeper'].sort());
    expect(fs.readFileSync(path.join(project, '.claude', 'settings.local.json'), 'utf8')).toBe(LOCAL_SETTINGS);

    // 3. Apply writes deny rules into settings.local.json only, merged with the user's.
    const applied = cli(['core', 'apply', '--project', project]);
    expect(applied.skipped).toBeNull();
    expect(applied.applied.settings_refused).toBeNull();
    const local = JSON.parse(fs.readFileSync(path.join(project, '.claude', 'settings.local.json'), 'utf8'));
    expect(local.env).toEqual({ KEEP: '1' });
    expect(local.permissions.allow).toEqual(['Bash(ls:*)']);
    expect(local.permissions.deny).toEqual(['Bash(rm -rf:*)', ...hides.map((t: string) => `Agent(${t})`).sort()]);
    expect(fs.readFileSync(path.join(project, '.claude', 'settings.json'), 'utf8')).toBe(SHARED_SETTINGS);
    expect(tree(cache)).toEqual(pluginsBefore);

    // 4. The next session: only the used agents of the plugins are listed; the model looks a hidden
    // one up with get_agent_spec and dispatches it by name.
    const chat2 = conversation()
      .main(
        toolUse(`${TOOL_PREFIX}get_agent_spec`, { name: hiddenPick }),
        dispatch({ subagent_type: hiddenPick, prompt: 'HIDDEN_TASK_77', run_in_background: false }),
        text('Second session done.'),
      )
      .subagent('HIDDEN_TASK_77', text('HIDDEN REPORT'));
    const model2 = await mock(chat2.script());
    const allowedTools = [...DEFAULT_ALLOWED_TOOLS, `${TOOL_PREFIX}get_agent_spec`];
    const run2 = await runClaude({ prompt: 'work', modelUrl: model2.url, home, cwd: project, pluginDirs: [PLUGIN_DIR], wardenHome, allowedTools, timeoutMs: 120_000 });
    expect(run2.exitCode, run2.stderr).toBe(0);
    expect(run2.result?.permission_denials).toEqual([]);
    const after = firstListing(model2);
    // agent-warden's own bundled agent (--plugin-dir) is listed too; it is not one of the twelve.
    expect(after.types.filter((t) => (t.includes(':') && !t.startsWith('agent-warden:')) || t === 'notes-keeper').sort()).toEqual([...used].sort());
    expect(after.tokens).toBeLessThanOrEqual(full.tokens * 0.25);
    console.info(`plugin listing: ${full.tokens} -> ${after.tokens} tokens (${((after.tokens / full.tokens) * 100).toFixed(1)}% of before); ${full.types.length} -> ${after.types.length} agent types`);

    const results = model2.modelRequests().filter(isMainThread).flatMap(toolResults);
    const spec = results.find((r) => r.text.includes(`${hiddenPick} (extended`));
    expect(spec, JSON.stringify(results).slice(0, 2000)).toBeDefined();
    // The hidden agent ran as general-purpose carrying its own instructions, and is logged under its name.
    expect(run2.result?.subagent_stats.by_type).toEqual({ 'general-purpose': 1 });
    const sub = model2.modelRequests().find((r) => isSubagent(r) && firstUserText(r).includes('HIDDEN_TASK_77'));
    expect(sub && firstUserText(sub)).toContain(`You are acting as the "${hiddenPick}" agent`);
    expect(results.some((r) => r.text.includes('HIDDEN REPORT'))).toBe(true);
    expect(dispatchRows(wardenHome).at(-1)).toEqual(expect.objectContaining({ agent_type: hiddenPick, requested_type: hiddenPick, via_proxy: 1 }));

    // 5. Restore: every settings file and the whole .claude tree as before; plugins never touched.
    const restored = cli(['core', 'restore', '--project', project]);
    expect(restored.settings.action).toBe('restored');
    expect(fs.readFileSync(path.join(project, '.claude', 'settings.local.json'), 'utf8')).toBe(LOCAL_SETTINGS);
    expect(fs.readFileSync(path.join(project, '.claude', 'settings.json'), 'utf8')).toBe(SHARED_SETTINGS);
    expect(tree(path.join(project, '.claude'))).toEqual(projectBefore);
    expect(tree(cache)).toEqual(pluginsBefore);
    expect(tree(marketplace)).toEqual(marketplaceBefore);
  }, 600_000);
});

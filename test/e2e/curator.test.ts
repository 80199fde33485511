/**
 * The curated core set end to end, with the real CLI and the built plugin: a session uses five agents
 * of a real collection, `agent-warden core apply` (dist/cli.cjs) moves the rest out, and the next
 * session's agent listing — read from the mock model's request — costs at most core.max_tokens more
 * than the listing of a project with no agents. No file is lost or changed; `core restore` gives back
 * the original layout byte for byte.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/runtime/config/schema';
import { BUILTIN_LISTING_TOKENS } from '../../src/core/curator/listing';
import { countTokens } from '../../src/runtime/tokens/count';
import { makeHome, makeProject, runClaude } from '../support/claude-cli';
import { conversation, dispatch, text } from '../support/conversation';
import { agentListing, isMainThread, listedAgentTypes, type MockModel, type ModelRequest } from '../support/mock-model';
import { PLUGIN_DIR, REPO, cliJson, runHook } from '../support/warden';
import { scratch } from '../support/scratch';
import { CORPORA } from '../support/fixtures';

const { max_agents: MAX_AGENTS, max_tokens: MAX_TOKENS } = defaultConfig().core;

const { temp, mock, defer } = scratch();

/** A temp project whose .claude/agents holds the collection's agent files (copied; the fixtures stay untouched). */
function projectWith(corpus: string): string {
  const project = temp(makeProject());
  const agents = path.join(project, '.claude', 'agents');
  fs.mkdirSync(agents, { recursive: true });
  for (const name of fs.readdirSync(path.join(CORPORA, corpus))) {
    if (name.endsWith('.md')) fs.copyFileSync(path.join(CORPORA, corpus, name), path.join(agents, name));
  }
  return project;
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every folder and file under `dir`, as `D rel` / `F rel hash` lines: equal trees give equal lists. */
function tree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(`D ${r}`, ...tree(dir, r));
    else out.push(`F ${r} ${sha(path.join(dir, r))}`);
  }
  return out.sort();
}

/** The hashes of every agent file in both folders (not the curator's state), as a sorted multiset. */
function agentHashes(project: string): string[] {
  const hashes: string[] = [];
  for (const folder of ['agents', 'agents-extended']) {
    const root = path.join(project, '.claude', folder);
    if (!fs.existsSync(root)) continue;
    for (const line of tree(root)) if (line.startsWith('F ') && !line.startsWith('F .agent-warden/')) hashes.push(line.split(' ')[2]!);
  }
  return hashes.sort();
}

const coreFiles = (project: string) => fs.readdirSync(path.join(project, '.claude', 'agents')).filter((f) => f.endsWith('.md'));

/** The listing section of the session's first main-thread request, and the types it names. */
function firstListing(model: MockModel): { text: string; types: string[]; tokens: number } {
  const first = model.modelRequests().find(isMainThread) as ModelRequest | undefined;
  const listing = first && agentListing(first);
  if (!first || listing === undefined) throw new Error('the first main-thread request carried no agent listing');
  return { text: listing, types: listedAgentTypes(first), tokens: countTokens(listing) };
}

/** One real CLI session with the plugin; the main thread dispatches each of `agents` once, in the foreground. */
async function session(cwd: string, wardenHome: string, agents: readonly string[] = []) {
  const chat = conversation().main(...agents.map((type) => dispatch({ subagent_type: type, prompt: `TASK_FOR_${type}`, run_in_background: false })), text('Session done.'));
  for (const type of agents) chat.subagent(`TASK_FOR_${type}`, text(`REPORT from ${type}`));
  const model = await mock(chat.script());
  const run = await runClaude({ prompt: 'work', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.result?.is_error, run.stdout).toBe(false);
  return { run, listing: firstListing(model) };
}

let builtinOnly: Promise<{ tokens: number; types: string[] }> | undefined;
/** The listing of a project with no agents of its own (built-ins, plugin agents): measured once. */
function builtinListing() {
  builtinOnly ??= session(temp(makeProject()), temp(makeHome())).then(({ listing }) => listing);
  return builtinOnly;
}

interface Case {
  corpus: string;
  files: number;
  used: string[];
  /** The client's listing of the whole collection (built-ins included), per the issue. */
  listedTokens: number;
  /** The least share of the listing the curation must save. */
  minShrink: number;
  /** All five used agents fit in core.max_tokens together. */
  allFit: boolean;
}

const cases: Case[] = [
  {
    corpus: '0xfurai__claude-code-subagents',
    files: 137,
    used: ['rust-expert', 'python-expert', 'react-expert', 'postgres-expert', 'docker-expert'],
    listedTokens: 5_365,
    minShrink: 0.75,
    allFit: true,
  },
  {
    corpus: 'VoltAgent__awesome-claude-code-subagents__6a82f08',
    files: 129,
    // Their listing lines take 72 to ~800 tokens each: no five of this collection fit in 1,000 tokens.
    used: ['terragrunt-expert', 'agent-installer', 'dependency-manager', 'rust-engineer', 'code-reviewer'],
    listedTokens: 75_131,
    minShrink: 0.95,
    allFit: false,
  },
];

describe('core apply on real collections, measured on the real CLI listing', () => {
  for (const c of cases) {
    it(`${c.corpus}: keeps the used agents within the budget, loses nothing, and restore undoes it exactly`, async () => {
      const baseline = await builtinListing();
      const project = projectWith(c.corpus);
      const wardenHome = temp(makeHome());
      expect(coreFiles(project)).toHaveLength(c.files);

      // 1. A session that uses five agents of the collection; the ledger records them.
      const first = await session(project, wardenHome, c.used);
      expect(first.run.result?.subagent_stats.by_type).toEqual(Object.fromEntries(c.used.map((t) => [t, 1])));
      expect(first.listing.types).toEqual(expect.arrayContaining(c.used));
      const fullListing = first.listing.tokens;
      // The collection costs exactly what the issue measured, over the agent-free listing.
      expect(fullListing - baseline.tokens).toBe(c.listedTokens - BUILTIN_LISTING_TOKENS);

      const original = tree(path.join(project, '.claude'));
      const originalHashes = agentHashes(project);

      // 2. The built CLI applies the plan from that session's ledger.
      const applied = cliJson(['core', 'apply', '--project', project], wardenHome);
      expect(applied.skipped).toBeNull();
      expect(applied.applied.refused).toEqual([]);
      expect(applied.usage.agent_types).toBe(c.used.length);

      const core = coreFiles(project);
      expect(core.length).toBeLessThanOrEqual(MAX_AGENTS);
      expect(agentHashes(project)).toEqual(originalHashes);
      const kept = applied.core.filter((a: { reason: string }) => a.reason === 'used').map((a: { name: string }) => a.name);
      const keptTokens = applied.core.reduce((sum: number, a: { tokens: number }) => sum + a.tokens, 0);
      expect(keptTokens).toBeLessThanOrEqual(MAX_TOKENS);
      // Every used agent is in core unless it could not fit beside the ones that are (never an unused one instead).
      const tokensOf = (name: string) => applied.moves.find((m: { name: string }) => m.name === name)?.tokens;
      for (const name of c.used) {
        if (kept.includes(name)) continue;
        expect(keptTokens + tokensOf(name), `${name} was left out though it fits`).toBeGreaterThan(MAX_TOKENS);
      }
      expect(applied.core.every((a: { reason: string }) => a.reason === 'used' || a.reason === 'fixed')).toBe(true);
      if (c.allFit) expect([...kept].sort()).toEqual([...c.used].sort());

      // 3. What the client lists next: the kept agents, and at most max_tokens above the agent-free listing.
      const second = await session(project, wardenHome);
      const ownTypes = second.listing.types.filter((t) => !baseline.types.includes(t));
      expect(ownTypes.sort()).toEqual([...kept].sort());
      expect(second.listing.tokens - baseline.tokens).toBeLessThanOrEqual(MAX_TOKENS);
      // The plan predicted that cost to the token.
      expect(applied.listing.after.tokens).toBe(second.listing.tokens - baseline.tokens);
      const shrink = 1 - second.listing.tokens / fullListing;
      expect(shrink).toBeGreaterThan(c.minShrink);
      console.info(
        `${c.corpus}: listing ${fullListing} -> ${second.listing.tokens} tokens (agent-free ${baseline.tokens}; ` +
          `${(shrink * 100).toFixed(1)}% smaller); ${core.length} files left in .claude/agents, kept ${kept.join(', ')}`,
      );

      // 4. Restore: the original tree, the same paths and bytes, no folder left behind.
      const restored = cliJson(['core', 'restore', '--project', project], wardenHome);
      expect(restored.refused).toEqual([]);
      expect(tree(path.join(project, '.claude'))).toEqual(original);
    });
  }
});

describe('agents the curator cannot be sure about, through the built CLI', () => {
  it('unparseable files and duplicate names are reported by core plan --json, left in place, and the rest still moves', async () => {
    const project = projectWith('0xfurai__claude-code-subagents');
    // A second collection in a subfolder: six of its names clash with 0xfurai's.
    const davepoon = path.join(CORPORA, 'davepoon__claude-code-subagents-collection');
    const sub = path.join(project, '.claude', 'agents', 'davepoon');
    fs.mkdirSync(sub);
    for (const name of fs.readdirSync(davepoon)) if (name.endsWith('.md')) fs.copyFileSync(path.join(davepoon, name), path.join(sub, name));
    // YAML nothing can parse (the client ignores it), and YAML only the client's quoting retry parses.
    fs.writeFileSync(path.join(project, '.claude', 'agents', 'broken-yaml.md'), '---\nname: [broken, yaml\ndescription: "never closed\n---\nBody.\n');
    fs.writeFileSync(path.join(project, '.claude', 'agents', 'recovered-yaml.md'), '---\nname: recovered-yaml\ndescription: [never closed\ntools: {Read\n---\nBody.\n');
    const wardenHome = temp(makeHome());
    // A ledger with one real dispatch of a duplicated name, through the real hook.
    for (const payload of dispatchHookPayloads(project, 'rust-expert')) {
      const ran = runHook(JSON.stringify(payload), wardenHome, { env: { CLAUDE_PROJECT_DIR: project, NODE_OPTIONS: undefined } });
      expect(ran.status, ran.stderr).toBe(0);
    }
    const before = new Map(tree(path.join(project, '.claude', 'agents')).filter((l) => l.startsWith('F ')).map((l) => l.split(' ').slice(1) as [string, string]));

    const plan = cliJson(['core', 'plan', '--project', project], wardenHome);
    const problems = plan.problems as Array<{ kind: string; file: string; name: string | null }>;
    const rel = (file: string) => path.relative(path.join(project, '.claude', 'agents'), file);
    expect(problems.filter((p) => p.kind === 'no-frontmatter').map((p) => rel(p.file))).toEqual(['sqs-expert.md']);
    expect(problems.filter((p) => p.kind === 'yaml-invalid').map((p) => rel(p.file))).toEqual(['broken-yaml.md']);
    expect(problems.filter((p) => p.kind === 'yaml-recovered').map((p) => rel(p.file))).toEqual(['recovered-yaml.md']);
    const dupes = problems.filter((p) => p.kind === 'duplicate-name');
    expect(new Set(dupes.map((p) => p.name))).toEqual(new Set(['python-expert', 'rails-expert', 'ruby-expert', 'rust-expert', 'sql-expert', 'typescript-expert']));
    expect(dupes).toHaveLength(12);
    const stuck = new Set(problems.map((p) => rel(p.file)));
    expect(stuck.size).toBe(15);

    const applied = cliJson(['core', 'apply', '--project', project], wardenHome);
    expect(applied.applied.refused).toEqual([]);
    const moved = applied.applied.moved.map((m: { from: string }) => m.from.replace('.claude/agents/', ''));
    // Every other agent moved: all but the 15 reported files (the dispatched rust-expert is one of them).
    expect(moved).toHaveLength(before.size - 15);
    expect(moved.filter((f: string) => stuck.has(f))).toEqual([]);
    const after = new Map(tree(path.join(project, '.claude', 'agents')).filter((l) => l.startsWith('F ')).map((l) => l.split(' ').slice(1) as [string, string]));
    expect([...after.keys()].sort()).toEqual([...stuck].sort());
    for (const [file, hash] of after) expect(hash, file).toBe(before.get(file));
  });
});

function dispatchHookPayloads(project: string, agentType: string): Array<Record<string, unknown>> {
  const common = { session_id: 'curator-e2e', transcript_path: path.join(project, 'none.jsonl'), cwd: project, permission_mode: 'default', tool_use_id: 'toolu_cur_1', tool_name: 'Agent' };
  const input = { description: 'Delegated', prompt: 'TASK', subagent_type: agentType, run_in_background: false };
  return [
    { ...common, hook_event_name: 'PreToolUse', tool_input: input },
    { ...common, hook_event_name: 'PostToolUse', tool_input: input, tool_response: { status: 'completed', agentId: 'a1', agentType, content: [{ type: 'text', text: 'done' }] } },
  ];
}

describe('core.auto', () => {
  it('a session start launches the watcher, which makes the layout follow the plan; the dispatch still runs', async () => {
    const project = projectWith('0xfurai__claude-code-subagents');
    const wardenHome = temp(makeHome());
    // Automatic moves are the user's call: a project's config alone may not turn them on.
    fs.mkdirSync(wardenHome, { recursive: true });
    fs.writeFileSync(path.join(wardenHome, 'config.json'), JSON.stringify({ core: { auto: true } }));
    const lock = path.join(project, '.claude', 'agents-extended', '.agent-warden', 'watch.lock');
    defer(() => stopWatcher(lock));
    const original = agentHashes(project);

    const first = await session(project, wardenHome, ['rust-expert']);
    expect(first.run.result?.subagent_stats.completed).toBe(1);
    const pid = (JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number }).pid;
    expect(isAlive(pid)).toBe(true);

    // The watcher saw the dispatch land in the ledger: rust-expert stays, everything else unused moves out.
    await until(() => coreFiles(project).sort().join() === 'rust-expert.md,sqs-expert.md');
    expect(agentHashes(project)).toEqual(original);
    expect(cliJson(['core', 'plan', '--project', project], wardenHome).moves).toEqual([]);

    // A second session finds the watcher running and does not start another.
    await session(project, wardenHome);
    expect((JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number }).pid).toBe(pid);
  });
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, deadlineMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > deadlineMs) throw new Error(`condition not met after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends the watcher a session started (the pid its lock names), and waits for it to go. */
async function stopWatcher(lock: string): Promise<void> {
  if (!fs.existsSync(lock)) return;
  const { pid } = JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number };
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  await until(() => !isAlive(pid), 10_000);
}

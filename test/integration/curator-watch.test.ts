/**
 * The curator watcher as users run it: `agent-warden core watch` (dist/cli.cjs) as a real process,
 * usage landing through the real command hook (dist/hook.cjs), agent files added, edited and
 * deleted under it. The layout follows the plan shortly after each change; a SIGKILL in the middle
 * of a batch of moves loses nothing once a watcher starts again; one watcher per project.
 * Build first: `node scripts/build.mjs` (the test run's global setup does).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, hookPayload, makeWardenDirs, runHook, type WardenDirs } from '../support/hook-runner';
import { CORPORA } from '../support/fixtures';
import { CLI } from '../support/warden';

const CORPUS = path.join(CORPORA, '0xfurai__claude-code-subagents');
/** Generous: the watcher acts ~1 s after the last file event and polls the ledger every 2 s. */
const DEADLINE_MS = 20_000;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

interface Project extends WardenDirs {
  core: string;
  extended: string;
  state: string;
}

/** A project holding the 0xfurai collection (copied), with its own empty agent-warden home. */
function projectWithCollection(label: string, config?: unknown): Project {
  const d = makeWardenDirs(label);
  cleanups.push(d.cleanup);
  const core = path.join(d.project, '.claude', 'agents');
  fs.mkdirSync(core, { recursive: true });
  for (const name of fs.readdirSync(CORPUS)) if (name.endsWith('.md')) fs.copyFileSync(path.join(CORPUS, name), path.join(core, name));
  if (config) fs.writeFileSync(path.join(d.project, '.claude', 'agent-warden.json'), JSON.stringify(config));
  const extended = path.join(d.project, '.claude', 'agents-extended');
  return { ...d, core, extended, state: path.join(extended, '.agent-warden') };
}

interface WatchProcess {
  child: ChildProcess;
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWatch(p: Project): WatchProcess {
  const child = spawn(process.execPath, [CLI, 'core', 'watch', '--project', p.project], { env: p.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, log: () => stderr, exited };
}

async function waitFor(what: string, check: () => boolean, watcher?: WatchProcess): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (watcher && watcher.child.exitCode !== null) throw new Error(`the watcher exited while waiting for: ${what}\n${watcher.log()}`);
    if (Date.now() - start > DEADLINE_MS) throw new Error(`gave up after ${DEADLINE_MS} ms waiting for: ${what}\n${watcher?.log() ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

let toolUseSeq = 0;
/** `times` completed foreground dispatches of `agentType`, as Claude Code's PreToolUse and PostToolUse hooks report them. */
function landUsage(p: Project, agentType: string, times = 1): void {
  for (let i = 0; i < times; i++) {
    const spec = { session: 'watch-session', cwd: p.project, toolUseId: `toolu_watch_${++toolUseSeq}` };
    const input = { description: 'Delegated task', prompt: `TASK for ${agentType}`, subagent_type: agentType, run_in_background: false };
    const response = { status: 'completed', agentId: `agent${toolUseSeq}`, agentType, content: [{ type: 'text', text: 'done' }], totalTokens: 900 };
    for (const payload of [
      hookPayload('PreToolUse', spec, { tool_name: 'Agent', tool_input: input }),
      hookPayload('PostToolUse', spec, { tool_name: 'Agent', tool_input: input, tool_response: response }),
    ]) {
      const ran = runHook(JSON.stringify(payload), p.env);
      expect(ran.status, ran.stderr).toBe(0);
    }
  }
}

function cli(p: Project, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const ran = spawnSync(process.execPath, [CLI, ...args, '--project', p.project], { env: { ...p.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

function planMoves(p: Project): unknown[] {
  const ran = cli(p, ['core', 'plan', '--json']);
  expect(ran.status, ran.stderr).toBe(0);
  return JSON.parse(ran.stdout).moves;
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Hashes of every agent file in both folders (not the curator's state), sorted: a multiset. */
function agentHashes(p: Project): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (abs === p.state) continue;
      if (e.isDirectory()) walk(abs);
      else out.push(sha(abs));
    }
  };
  for (const root of [p.core, p.extended]) if (fs.existsSync(root)) walk(root);
  return out.sort();
}

const inCore = (p: Project, file: string) => fs.existsSync(path.join(p.core, file));
const inExtended = (p: Project, file: string) => fs.existsSync(path.join(p.extended, file));
const coreAgents = (p: Project) => fs.readdirSync(p.core).filter((f) => f.endsWith('.md')).sort();

describe('agent-warden core watch, as a process', () => {
  it('follows deleted, edited and added agents and new usage from the hook; a second watcher exits at once', async () => {
    // Three core slots make every change visible as a move.
    const p = projectWithCollection('curwatch', { core: { max_agents: 3 } });
    landUsage(p, 'rust-expert', 3);
    landUsage(p, 'python-expert', 2);
    landUsage(p, 'react-expert', 2);
    landUsage(p, 'go-expert', 1);
    const expected = agentHashes(p);
    const timings: Record<string, number> = {};

    const watcher = startWatch(p);
    await waitFor('the watcher to start', () => watcher.log().includes('watching'), watcher);
    // The first cycle ran before "watching": the three most used stay, the rest (and go-expert) moved out.
    // sqs-expert.md has no parseable frontmatter: reported, never moved.
    expect(coreAgents(p)).toEqual(['python-expert.md', 'react-expert.md', 'rust-expert.md', 'sqs-expert.md']);
    expect(inExtended(p, 'go-expert.md')).toBe(true);

    const second = spawnSync(process.execPath, [CLI, 'core', 'watch', '--project', p.project], { env: p.env, encoding: 'utf8', timeout: DEADLINE_MS });
    expect(second.signal, 'the second watcher had to be killed').toBeNull();
    expect(second.stderr).toContain(`already running for this project (pid ${watcher.child.pid})`);

    // Deleted: its slot goes to the next used agent.
    fs.rmSync(path.join(p.core, 'rust-expert.md'));
    timings.delete = await waitFor('go-expert to take the freed slot', () => inCore(p, 'go-expert.md'), watcher);

    // Edited: python-expert's description grows past core.max_tokens; it no longer fits and moves out.
    const python = path.join(p.core, 'python-expert.md');
    const pythonBefore = sha(python);
    fs.writeFileSync(python, fs.readFileSync(python, 'utf8').replace(/^description: (.*)$/m, (_, d: string) => `description: ${d} ${'Covers every corner of Python. '.repeat(200)}`));
    const pythonAfter = sha(python);
    timings.edit = await waitFor('the grown python-expert to move out', () => inExtended(p, 'python-expert.md'), watcher);
    expect(sha(path.join(p.extended, 'python-expert.md'))).toBe(pythonAfter);

    // Added: an agent with a dispatch history appears in the extended set and takes the free slot.
    // Its history lands first, and the watcher's cycle for it passes (it rewrites seen.json every cycle),
    // so only the new file's event can bring it in.
    const seenFile = path.join(p.state, 'seen.json');
    const seenAt = fs.statSync(seenFile).mtimeMs;
    landUsage(p, 'zig-helper', 2);
    await waitFor('a cycle for the new usage', () => fs.statSync(seenFile).mtimeMs !== seenAt, watcher);
    expect(inCore(p, 'zig-helper.md')).toBe(false);
    const zig = '---\nname: zig-helper\ndescription: Writes and reviews Zig code.\ntools: Read, Edit\n---\nYou write Zig.\n';
    fs.writeFileSync(path.join(p.extended, 'zig-helper.md'), zig);
    timings.add = await waitFor('zig-helper to move into core', () => inCore(p, 'zig-helper.md'), watcher);

    // New usage through the hook: ava-expert outranks the weakest core agent and swaps places with it.
    landUsage(p, 'ava-expert', 4);
    timings.usage = await waitFor('ava-expert to move into core', () => inCore(p, 'ava-expert.md'), watcher);
    await waitFor('core to hold three movable agents again', () => coreAgents(p).length === 4, watcher);
    expect(coreAgents(p)).toEqual(['ava-expert.md', 'react-expert.md', 'sqs-expert.md', 'zig-helper.md']);

    // The layout follows the plan, and every file is accounted for: the original set minus the deleted
    // one, with python-expert's new bytes, plus the added agent.
    expect(planMoves(p)).toEqual([]);
    const rustHash = sha(path.join(CORPUS, 'rust-expert.md'));
    expected.splice(expected.indexOf(rustHash), 1);
    expected.splice(expected.indexOf(pythonBefore), 1, pythonAfter);
    expected.push(createHash('sha256').update(zig).digest('hex'));
    expect(agentHashes(p)).toEqual(expected.sort());

    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(p.state, 'watch.lock'))).toBe(false);
    console.info(`watcher followed each change after (ms, including ~1 s quiet or ~2 s ledger poll): ${JSON.stringify(timings)}`);
  });

  it('SIGKILL in the middle of a batch of moves loses nothing: the next watcher rolls it back and applies again', async () => {
    // The first batch demotes 136 agents in a few ms. Each attempt kills the watcher a little later
    // after its journal appears, until a kill lands with some of the moves done.
    const undone: number[] = [];
    for (const delayMs of [3, 5, 2, 7, 4, 6, 1, 8]) {
      const p = projectWithCollection(`curkill${delayMs}`);
      landUsage(p, 'rust-expert');
      const original = agentHashes(p);
      fs.mkdirSync(p.state, { recursive: true });
      const journal = path.join(p.state, 'journal.json');
      const first = startWatch(p);
      const spy = fs.watch(p.state, (_event, name) => {
        if (name !== 'journal.json') return;
        const until = Date.now() + delayMs;
        while (Date.now() < until); // a busy wait: a timer could fire too late
        first.child.kill('SIGKILL');
      });
      const { signal } = await first.exited;
      spy.close();
      expect(signal).toBe('SIGKILL');
      const interrupted = fs.existsSync(journal);

      // Whatever the kill interrupted, a new watcher ends with every file, once, and the plan's layout.
      const second = startWatch(p);
      await waitFor('the restarted watcher to start', () => second.log().includes('watching'), second);
      const rolledBack = /rolled back an interrupted apply \((\d+) moves undone\)/.exec(second.log());
      expect(Boolean(rolledBack), second.log()).toBe(interrupted);
      expect(fs.existsSync(journal)).toBe(false);
      expect(agentHashes(p)).toEqual(original);
      expect(coreAgents(p)).toEqual(['rust-expert.md', 'sqs-expert.md']);
      expect(planMoves(p)).toEqual([]);
      second.child.kill('SIGTERM');
      await second.exited;
      if (rolledBack) undone.push(Number(rolledBack[1]));
      if (undone.some((n) => n > 0)) break;
    }
    expect(undone.some((n) => n > 0), `no kill landed between moves (moves undone per interrupted batch: ${undone.join(', ')})`).toBe(true);
    console.info(`moves rolled back after each interrupting kill: ${undone.join(', ')}`);
  });
});

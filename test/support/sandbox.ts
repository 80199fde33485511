/**
 * Throwaway directories for end-to-end runs: an isolated HOME, a project (cwd) with optional
 * custom agents, a plugin directory; plus lookup of the session transcripts the CLI writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  path: string;
  cleanup(): void;
}

export interface AgentSpec {
  name: string;
  description: string;
  /** Comma list as in agent frontmatter, e.g. "Read, Grep, Bash". Omitted: all tools. */
  tools?: string;
  /** Frontmatter `model:` (an alias such as "sonnet" or a full id); omitted: the main thread's. */
  model?: string;
  body: string;
}

export interface ProjectSpec {
  /** Written to `.claude/agents/<name>.md`. */
  agents?: AgentSpec[];
  /** Extra files, keyed by path relative to the project root. */
  files?: Record<string, string>;
}

export interface PluginSpec {
  name: string;
  /** Merged over `{name, version, description, author}` into `.claude-plugin/plugin.json`. */
  manifest?: Record<string, unknown>;
  /** Written as `hooks/hooks.json` (the `{"hooks": {...}}` wrapper form). */
  hooks?: Record<string, unknown>;
  files?: Record<string, string>;
}

export interface Transcripts {
  /** `<HOME>/.claude/projects/<project-slug>/<session-id>.jsonl` */
  sessions: string[];
  /** `<HOME>/.claude/projects/<project-slug>/<session-id>/subagents/agent-<id>.jsonl` */
  subagents: string[];
}

export function makeTempDir(label: string): TempDir {
  // realpath: the CLI derives the transcript folder from the resolved cwd.
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `aw-e2e-${label}-`)));
  return { path: dir, cleanup: () => removeWhenSettled(dir) };
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Removes `dir` once agent-warden's own short-lived processes that use it are gone (bounded): a
 * session's end is recorded by a detached drain after the CLI exits, which may start a detached
 * token count (issue 20). Removing the folder under them makes them write it again, so the removal
 * would keep failing with ENOTEMPTY. If it still fails, the error names whoever uses the folder.
 */
function removeWhenSettled(dir: string): void {
  for (const until = Date.now() + 30_000; processesUsing(dir, { ownOnly: true }).length && Date.now() < until; ) Atomics.wait(pause, 0, 0, 100);
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 30, retryDelay: 100 });
  } catch (err) {
    const users = processesUsing(dir, { ownOnly: false });
    throw new Error(`${(err as Error).message}; processes using it: ${users.length ? users.join('; ') : 'none left'}`);
  }
}

/** Processes (pid and command line) with `dir` or a path inside it in their environment or as their cwd; Linux /proc only. */
function processesUsing(dir: string, opts: { ownOnly: boolean }): string[] {
  if (!fs.existsSync('/proc/self/environ')) return [];
  const inside = (v: string) => v === dir || v.startsWith(`${dir}/`);
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || pid === String(process.pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // agent-warden's hooks and detached CLI work; a long-lived `core watch` is its test's to stop.
      if (opts.ownOnly && (!cmd.some((a) => /dist\/(hook|cli)\.cjs$/.test(a)) || cmd.includes('watch'))) continue;
      const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // not ours to read
      }
      if (cmd.length && (inside(cwd) || env.some((e) => inside(e.slice(e.indexOf('=') + 1))))) found.push(`${pid} ${cmd.join(' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export function makeHome(): TempDir {
  return makeTempDir('home');
}

export function makeProject(spec: ProjectSpec = {}): TempDir {
  const dir = makeTempDir('project');
  for (const agent of spec.agents ?? []) {
    writeFile(dir.path, `.claude/agents/${agent.name}.md`, agentMarkdown(agent));
  }
  writeFiles(dir.path, spec.files ?? {});
  return dir;
}

export function makePlugin(spec: PluginSpec): TempDir {
  const dir = makeTempDir(`plugin-${spec.name}`);
  const manifest = {
    name: spec.name,
    version: '0.0.1',
    description: `e2e test plugin ${spec.name}`,
    author: { name: 'agent-warden tests' },
    ...spec.manifest,
  };
  writeFile(dir.path, '.claude-plugin/plugin.json', JSON.stringify(manifest, null, 2));
  if (spec.hooks) writeFile(dir.path, 'hooks/hooks.json', JSON.stringify({ hooks: spec.hooks }, null, 2));
  writeFiles(dir.path, spec.files ?? {});
  return dir;
}

export function agentMarkdown(agent: AgentSpec): string {
  const tools = agent.tools ? `tools: ${agent.tools}\n` : '';
  const model = agent.model ? `model: ${agent.model}\n` : '';
  return `---\nname: ${agent.name}\ndescription: ${agent.description}\n${tools}${model}---\n${agent.body}\n`;
}

/** Transcript files under `<home>/.claude/projects`, optionally only those of one session. */
export function findTranscripts(home: string, sessionId?: string): Transcripts {
  const files = walk(path.join(home, '.claude', 'projects')).filter((f) => f.endsWith('.jsonl'));
  const ofSession = sessionId ? files.filter((f) => f.includes(sessionId)) : files;
  return {
    sessions: ofSession.filter((f) => path.basename(path.dirname(f)) !== 'subagents'),
    subagents: ofSession.filter((f) => path.basename(path.dirname(f)) === 'subagents'),
  };
}

export function readJsonl(file: string): unknown[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) writeFile(root, relative, content);
}

function writeFile(root: string, relative: string, content: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

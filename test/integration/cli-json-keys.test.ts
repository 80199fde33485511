/**
 * Every command that takes `--json` prints snake_case keys, on the fresh build as real processes
 * against a ledger the hook filled. The list of commands comes from the CLI itself, so a new
 * `--json` command without a row here fails the first test until it is added.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';
import { hookPayload } from '../support/hook-runner';
import { runCli, runHook } from '../support/warden';

const SESSION = 'sess-json-keys';
let root: string;
let home: string;
let project: string;
let env: Record<string, string | undefined>;

/** The arguments each `--json` command runs with (beside `--json`). */
const argsFor = (): Record<string, string[]> => ({
  sessions: [],
  events: ['--session', SESSION],
  dispatches: [],
  show: ['1'],
  'ledger rebuild': [],
  'ledger count-tokens': ['--session', SESSION],
  'ledger ingest': [],
  doctor: [],
  config: ['--project', project],
  'budget status': ['--session', SESSION],
  'budget override': ['--session', SESSION, '--add', '1000', '--note', 'test'],
  'spawn status': ['--session', SESSION],
  'spawn override': ['--session', SESSION, '--cap', 'max_per_session', '--add', '1'],
  'breaker status': ['--all'],
  report: ['--all-projects'],
  failures: ['--all-projects'],
  'session-report': [SESSION],
  optimize: ['--all-projects'],
  find: ['--project', project, 'review', 'code'],
  import: ['--projects-dir', path.join(root, 'no-transcripts')],
  pricing: [],
  trust: ['--project', project],
  'statusline install': [],
  'statusline uninstall': [],
  windows: [],
  'core plan': ['--project', project],
  'core apply': ['--project', project],
  'core restore': ['--project', project],
  // Nothing has ended here, so nothing is sent: no collector needed.
  'otel export': ['--endpoint', 'http://127.0.0.1:9'],
  'otel status': [],
  // With a team whose PostgreSQL is not there (TEAM_ENV): team sync prints its outcome, then exits 1.
  'team status': [],
  'team sync': [],
});

const TEAM_ENV = { AGENT_WARDEN_TEAM: '{"url": "postgres://127.0.0.1:9/none", "name": "acme"}' };

function jsonCommands(cmd: Command, prefix: string[] = []): string[] {
  return cmd.commands.flatMap((sub) => {
    const name = [...prefix, sub.name()];
    return [...(sub.options.some((o) => o.long === '--json') ? [name.join(' ')] : []), ...jsonCommands(sub, name)];
  });
}

/**
 * Paths of keys that are not snake_case. `names`: paths whose keys are names (of models), not
 * fields; `verbatim`: paths holding what Claude Code sent, kept as it sent it (event payloads).
 */
function badKeys(value: unknown, at: string, skip: { names: RegExp[]; verbatim: RegExp[] }): string[] {
  if (skip.verbatim.some((re) => re.test(at))) return [];
  if (Array.isArray(value)) return value.flatMap((v) => badKeys(v, `${at}[]`, skip));
  if (value === null || typeof value !== 'object') return [];
  const keysAreNames = skip.names.some((re) => re.test(at));
  return Object.entries(value).flatMap(([k, v]) => [...(!keysAreNames && !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(k) ? [`${at}.${k}`] : []), ...badKeys(v, `${at}.${k}`, skip)]);
}

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-json-keys-')));
  home = path.join(root, 'warden');
  project = path.join(root, 'project');
  const agents = path.join(project, '.claude', 'agents');
  fs.mkdirSync(agents, { recursive: true });
  fs.mkdirSync(path.join(root, 'no-transcripts'));
  for (const [name, what] of [['codeReviewer', 'Reviews code changes'], ['test-runner', 'Runs the tests']] as const) {
    fs.writeFileSync(path.join(agents, `${name}.md`), `---\nname: ${name}\ndescription: ${what}\n---\nYou ${what.toLowerCase()}.\n`);
  }
  // The user's home and Claude Code's config dir are the test's own (statusline install writes there).
  // A price set in the environment: its model name is a key of `pricing`, a name and not a field.
  env = { HOME: path.join(root, 'user'), CLAUDE_CONFIG_DIR: path.join(root, 'claude'), CLAUDE_PROJECT_DIR: project, AGENT_WARDEN_PRICING: '{"my-Proxy-model": {"input": 3, "output": 15}}' };
  fs.mkdirSync(env.HOME!, { recursive: true });
  const s = (n: string) => ({ session: SESSION, cwd: project, toolUseId: n });
  const agent = { tool_name: 'Agent', tool_input: { subagent_type: 'codeReviewer', description: 'review', prompt: 'review the diff' } };
  for (const e of [
    hookPayload('SessionStart', s('x')),
    hookPayload('PreToolUse', s('toolu_a1'), agent),
    hookPayload('PostToolUse', s('toolu_a1'), { ...agent, tool_response: { status: 'completed', content: [{ type: 'text', text: 'looks fine' }], totalTokens: 1200, totalDurationMs: 900, totalToolUseCount: 2 } }),
    hookPayload('PreToolUse', s('toolu_b1')),
    hookPayload('PostToolUseFailure', s('toolu_b1')),
  ]) {
    expect(runHook(JSON.stringify(e), home, { cwd: project, env }).status).toBe(0);
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('--json output', () => {
  it('every command that takes --json has a run here', () => {
    expect(jsonCommands(buildProgram()).sort()).toEqual(Object.keys(argsFor()).sort());
  });

  it('every --json command prints snake_case keys', () => {
    const found: Record<string, string[]> = {};
    for (const [name, args] of Object.entries(argsFor())) {
      const ran = runCli([...name.split(' '), ...args, '--json'], home, { cwd: project, env: name.startsWith('team ') ? { ...env, ...TEAM_ENV } : env });
      // doctor exits 1 when a check fails (here: the hook wiring of a plugin not installed), and team
      // sync when its server is away; their JSON still counts.
      expect(ran.status === 0 || name === 'doctor' || name === 'team sync', `${name}: exit ${ran.status}: ${ran.stderr}`).toBe(true);
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(ran.stdout)), `${name} prints JSON: ${ran.stdout.slice(0, 200)}`).not.toThrow();
      const bad = badKeys(parsed, '$', { names: [/^\$\.settings\.pricing$/], verbatim: [/^\$\[\]\.payload$/] });
      if (bad.length) found[name] = bad;
    }
    expect(found).toEqual({});
  });
});

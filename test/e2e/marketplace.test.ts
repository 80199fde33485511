/**
 * Installed as a user would — clone, `claude plugin marketplace add`, `claude plugin install` —
 * where no npm install runs.
 * - Issue 17, must show 1: with Node 22 first on PATH and no registry, the first session records
 *   every event and dispatch at once through node:sqlite; nothing is fetched or compiled.
 * - Issue 2 must show 3 / issue 17 must show 2: on Node 20 the native SQLite module is missing;
 *   the first session's hooks spool their events and start the one-time install in the
 *   background; once it is done, the spool is replayed and not one event is lost.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execClaude, makeHome, makePlugin, makeProject, makeTempDir, runClaude, type TempDir } from '../support/claude-cli';
import { bash, conversation, text } from '../support/conversation';
import { startMockModel } from '../support/mock-model';
import { REPO } from '../support/warden';
import { identity, probePlugin } from '../support/probe';
import { everyDispatchKind, expectEveryDispatch, REVIEWER } from '../support/dispatch-session';
import { nodeBinary, pathWithNode } from '../support/node-versions';
import { nodeSqliteAvailable } from '../../src/ledger/driver-node';

const dirs: TempDir[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));
const temp = (d: TempDir) => (dirs.push(d), d.path);

function findFile(root: string, name: string): string | undefined {
  if (!fs.existsSync(root)) return undefined;
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    }
  }
  return undefined;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('a marketplace install', () => {
  it('on Node 22 with no registry: the first session is recorded at once, every dispatch included, nothing fetched', { timeout: 420_000 }, async () => {
    const node22 = nodeBinary(22);
    const home = temp(makeHome());
    const wardenHome = temp(makeTempDir('warden'));
    const npmLog = path.join(temp(makeTempDir('npm-calls')), 'npm.log');
    const env = {
      PATH: pathWithNode(path.join(temp(makeTempDir('bin')), 'bin'), node22, npmLog),
      npm_config_registry: 'http://127.0.0.1:9/', // nothing listens on the discard port: the registry is unreachable
      AGENT_WARDEN_SQLITE_DRIVER: undefined,
    };
    const clone = path.join(temp(makeTempDir('clone')), 'agent-warden');
    execFileSync('git', ['clone', '--quiet', REPO, clone]);
    expect(fs.existsSync(path.join(clone, 'node_modules'))).toBe(false);

    const add = await execClaude(['plugin', 'marketplace', 'add', clone], { home, cwd: clone, env });
    expect(add.exitCode, add.stdout + add.stderr).toBe(0);
    const install = await execClaude(['plugin', 'install', 'agent-warden@agent-warden'], { home, cwd: clone, env, timeoutMs: 300_000 });
    expect(install.exitCode, install.stdout + install.stderr).toBe(0);

    const log = path.join(temp(makeTempDir('probe')), 'fired.jsonl');
    const model = await startMockModel(everyDispatchKind());
    try {
      const run = await runClaude({ prompt: 'hello', modelUrl: model.url, home, cwd: temp(makeProject({ agents: [REVIEWER] })), pluginDirs: [temp(probePlugin(log))], wardenHome, env, timeoutMs: 120_000 });
      expect(run.exitCode, run.stderr).toBe(0);
      const sessionId = run.result!.session_id;

      // Read at once, by the installed copy's CLI under Node 22: no replay, no waiting.
      const cli = (...args: string[]) =>
        JSON.parse(execFileSync(node22, [path.join(clone, 'dist', 'cli.cjs'), ...args, '--json'], { env: { ...process.env, ...env, AGENT_WARDEN_HOME: wardenHome, NO_COLOR: '1' }, encoding: 'utf8' }));
      expectEveryDispatch(cli('dispatches', '--session', sessionId), run.result!);
      const fired = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      const events = cli('events', '--session', sessionId) as any[];
      // Concurrent subagents make the firing order between hooks a race: compare the sets, each event once.
      expect(events.filter((e) => e.payload?.hook_event_name).map((e) => identity(e.payload)).sort()).toEqual(fired.map(identity).sort());
      expect(fired.filter((e) => e.hook_event_name === 'SubagentStart')).toHaveLength(4);
      expect(events.filter((e) => e.source === 'spool' || e.kind === 'malformed')).toEqual([]);

      const doctor = cli('doctor');
      const check = Object.fromEntries(doctor.checks.map((c: any) => [c.name, c]));
      expect(check['sqlite driver'].detail).toMatch(/^node:sqlite \(built into Node v22\./);
      expect(check.spool.detail).toBe('empty');
      // Nothing was fetched or built: agent-warden never ran npm (Claude Code's own installer runs
      // `npm ci --ignore-scripts` in the plugin's copy, which fails offline without harm), and
      // there is no native module anywhere under the plugin's data.
      const npmCalls = fs.existsSync(npmLog) ? fs.readFileSync(npmLog, 'utf8').split('\n').filter(Boolean) : [];
      expect(npmCalls.filter((c) => c.includes('better-sqlite3') || !c.includes(' ci --ignore-scripts '))).toEqual([]);
      expect(findFile(path.join(home, '.claude', 'plugins'), 'better_sqlite3.node')).toBeUndefined();
      expect(safeRead(path.join(wardenHome, 'warden.log'))).not.toMatch(/spooled|native/);
    } finally {
      await model.close();
    }
  });

  it('on Node 20: records a session from the first event on, through the native-module bootstrap', { timeout: 900_000 }, async () => {
    // The path for a Node without node:sqlite: this file runs in the Node 20 pass of .ci/run.
    expect(nodeSqliteAvailable(), `run under Node 20 (this is ${process.version})`).toBe(false);
    const home = temp(makeHome());
    const wardenHome = temp(makeTempDir('warden'));
    const clone = path.join(temp(makeTempDir('clone')), 'agent-warden');
    execFileSync('git', ['clone', '--quiet', REPO, clone]);
    expect(fs.existsSync(path.join(clone, 'node_modules'))).toBe(false);

    const add = await execClaude(['plugin', 'marketplace', 'add', clone], { home, cwd: clone });
    expect(add.exitCode, add.stdout + add.stderr).toBe(0);
    // Claude Code's installer runs `npm ci --ignore-scripts` in the plugin's copy: minutes on a busy machine.
    const install = await execClaude(['plugin', 'install', 'agent-warden@agent-warden'], { home, cwd: clone, timeoutMs: 300_000 });
    expect(install.exitCode, install.stdout + install.stderr).toBe(0);

    // A probe plugin logs what Claude Code fired, to compare with what reaches the ledger.
    const log = path.join(temp(makeTempDir('probe')), 'fired.jsonl');
    const handler = [{ type: 'command', command: 'sh', args: ['-c', 'cat >> "$0"; echo >> "$0"', log], timeout: 10 }];
    const probe = temp(
      makePlugin({
        name: 'aw-probe',
        hooks: {
          SessionStart: [{ hooks: handler }],
          UserPromptSubmit: [{ hooks: handler }],
          PreToolUse: [{ matcher: '*', hooks: handler }],
          Stop: [{ hooks: handler }],
          SessionEnd: [{ hooks: handler }],
        },
      }),
    );
    const model = await startMockModel(conversation().main(bash('echo installed'), text('Done.')).script());
    try {
      const run = await runClaude({ prompt: 'hello', modelUrl: model.url, home, cwd: temp(makeProject()), pluginDirs: [probe], wardenHome });
      expect(run.exitCode, run.stderr).toBe(0);
      const sessionId = run.result!.session_id;

      // The install runs in the background; wait for the addon it builds under the plugin's data dir.
      const dataDir = path.join(home, '.claude', 'plugins', 'data');
      const addon = await waitFor(() => findFile(dataDir, 'better_sqlite3.node'), 360_000);
      expect(addon, `native module installed under ${dataDir}; log: ${safeRead(path.join(wardenHome, 'warden.log'))}`).toBeTruthy();

      // Any later hook replays the spool; the CLI of the installed copy can do it too.
      const pluginData = path.dirname(addon!.split(`${path.sep}native${path.sep}`)[0]! + path.sep + 'x');
      const env = { ...process.env, AGENT_WARDEN_HOME: wardenHome, CLAUDE_PLUGIN_DATA: pluginData, NO_COLOR: '1' };
      execFileSync(process.execPath, [path.join(clone, 'dist', 'cli.cjs'), 'ledger', 'ingest'], { env });
      const events = JSON.parse(execFileSync(process.execPath, [path.join(clone, 'dist', 'cli.cjs'), 'events', '--session', sessionId, '--json'], { env, encoding: 'utf8' }));

      const fired = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).hook_event_name);
      const recorded = events.map((e: any) => e.payload?.hook_event_name).filter(Boolean);
      expect(fired).toEqual(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'Stop', 'SessionEnd']);
      expect(recorded).toEqual(fired);
      expect(events.every((e: any) => e.source === 'spool' || e.source === 'command' || e.source === 'catch-up')).toBe(true);
    } finally {
      await model.close();
    }
  });
});

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '(none)';
  }
}

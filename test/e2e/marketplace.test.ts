/**
 * Issue 2, must show 3: installed as a user would — clone, `claude plugin marketplace add`,
 * `claude plugin install` — where no npm install runs and the native SQLite module is missing.
 * The first session's hooks spool their events and start the one-time install in the
 * background; once it is done, the spool is replayed and not one event is lost.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execClaude, makeHome, makePlugin, makeProject, makeTempDir, runClaude, type TempDir } from '../support/claude-cli';
import { bash, conversation, text } from '../support/conversation';
import { startMockModel } from '../support/mock-model';
import { REPO } from '../support/warden';

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
  it('records a session from the first event on, through the native-module bootstrap', { timeout: 420_000 }, async () => {
    const home = temp(makeHome());
    const wardenHome = temp(makeTempDir('warden'));
    const clone = path.join(temp(makeTempDir('clone')), 'agent-warden');
    execFileSync('git', ['clone', '--quiet', REPO, clone]);
    expect(fs.existsSync(path.join(clone, 'node_modules'))).toBe(false);

    const add = await execClaude(['plugin', 'marketplace', 'add', clone], { home, cwd: clone });
    expect(add.exitCode, add.stdout + add.stderr).toBe(0);
    const install = await execClaude(['plugin', 'install', 'agent-warden@agent-warden'], { home, cwd: clone });
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

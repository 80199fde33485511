/**
 * Small CLI promises, on the fresh build as real processes: an unknown event kind is named as such,
 * `dispatches --csv`, a narrow terminal says which report columns it leaves out, and the hook's
 * shell wrapper is quiet when no resident server runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookPayload } from '../support/hook-runner';
import { CLI, HOOK, PLUGIN_DIR, runCli, runHook } from '../support/warden';

let root: string;
let home: string;
let project: string;

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-cli-small-')));
  home = path.join(root, 'home');
  project = path.join(root, 'project');
  fs.mkdirSync(project);
  const s = (n: string) => ({ session: 'sess-small', cwd: project, toolUseId: n });
  for (const e of [
    hookPayload('SessionStart', s('x')),
    hookPayload('PreToolUse', s('toolu_d1'), { tool_name: 'Agent', tool_input: { subagent_type: 'worker', description: 'one, "quoted"', prompt: 'line one\nline two' } }),
    hookPayload('PreToolUse', s('toolu_d2'), { tool_name: 'Agent', tool_input: { subagent_type: 'reviewer', description: 'two', prompt: 'p' } }),
  ]) {
    expect(runHook(JSON.stringify(e), home, { cwd: project, env: { CLAUDE_PROJECT_DIR: project } }).status).toBe(0);
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('small CLI promises', () => {
  it('events --kind bogus says the kind is unknown and lists the kinds; a known kind with no events says so', () => {
    const r = runCli(['events', '--kind', 'PreToolUs'], home, { cwd: project });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/"PreToolUs" is not an event kind \(did you mean "PreToolUse"\?\); use one of: .*SessionStart.*SubagentStop/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const none = runCli(['events', '--kind', 'SubagentStop'], home, { cwd: project });
    expect(none.status).toBe(0);
    expect(none.stdout).toBe('No SubagentStop events recorded yet.\n');
  });

  it('dispatches --csv prints RFC 4180 CSV with a header and one row per dispatch', () => {
    const r = runCli(['dispatches', '--csv'], home, { cwd: project });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toMatch(/^id,session_id,project,tool_use_id,agent_id,/);
    expect(r.stdout).toContain('"one, ""quoted"""');
    expect(r.stdout).toContain('"line one\nline two"');
    const json = JSON.parse(runCli(['dispatches', '--json'], home, { cwd: project }).stdout);
    expect(r.stdout.match(/\r\n\d+,sess-small,/g)).toHaveLength(json.length);
    expect(json).toHaveLength(2);
  });

  it('report on a narrow terminal names the columns it leaves out', () => {
    // A real terminal of 80 columns (util-linux `script` allocates a pty).
    const cmd = `stty cols 80 rows 40; ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} report --all-projects`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: project, env: { ...process.env, AGENT_WARDEN_HOME: home, NO_COLOR: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/7 columns left out to fit 80 columns \(denied, p50, input, output, cache write, cache read, total \(reported\)\)/);
    const wide = runCli(['report', '--all-projects'], home, { cwd: project });
    expect(wide.stdout).not.toContain('left out');
  });

  it('the hook wrapper prints nothing on stderr when no resident server file exists', () => {
    const input = JSON.stringify(hookPayload('PreToolUse', { session: 'sess-small', cwd: project, toolUseId: 'toolu_sh' }));
    const r = spawnSync('sh', [path.join(PLUGIN_DIR, 'hooks', 'command-or-resident.sh'), PLUGIN_DIR], {
      input,
      env: { ...process.env, AGENT_WARDEN_HOME: home, CLAUDE_PID: '424242', CLAUDE_PROJECT_DIR: project },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(fs.existsSync(HOOK)).toBe(true);
  });
});

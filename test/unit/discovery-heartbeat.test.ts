/**
 * The command hook's stand-down check (hooks/command-or-resident.sh) against the heartbeat the
 * resident server keeps: real sh, real processes, a stand-in hook.cjs that says it ran.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announceResident, heartbeatFile, withdrawResident } from '../../src/server/heartbeat';

const SCRIPT = path.resolve(__dirname, '../../hooks/command-or-resident.sh');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-hb-'));
  dirs.push(d);
  return d;
};

function fakePlugin(): string {
  const root = tmp();
  fs.mkdirSync(path.join(root, 'dist'));
  fs.writeFileSync(path.join(root, 'dist', 'hook.cjs'), "process.stdout.write('COMMAND_HOOK_RAN:' + require('fs').readFileSync(0, 'utf8'));\n");
  return root;
}

const runCheck = (root: string, env: Record<string, string>) =>
  spawnSync('sh', [SCRIPT, root], { input: '{"payload":1}', env: { PATH: process.env.PATH!, HOME: tmp(), ...env }, encoding: 'utf8' });

describe('command-or-resident.sh', () => {
  it('stands down while the heartbeat names a live server, and runs the hook with its stdin otherwise', () => {
    const root = fakePlugin();
    const home = tmp();
    const claudePid = 424242;
    const file = heartbeatFile(claudePid, home);

    expect(runCheck(root, { AGENT_WARDEN_HOME: home, CLAUDE_PID: String(claudePid) }).stdout).toBe('COMMAND_HOOK_RAN:{"payload":1}');

    announceResident(file); // this test process plays the live server
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    const live = runCheck(root, { AGENT_WARDEN_HOME: home, CLAUDE_PID: String(claudePid) });
    expect(live.status).toBe(0);
    expect(live.stdout).toBe('');
    // Another Claude Code session (another pid) has no server of its own: it keeps the command path.
    expect(runCheck(root, { AGENT_WARDEN_HOME: home, CLAUDE_PID: '1' }).stdout).toContain('COMMAND_HOOK_RAN');
  });

  it('takes over when the server died without withdrawing its heartbeat', async () => {
    const root = fakePlugin();
    const home = tmp();
    const child = spawn('sleep', ['30']);
    const file = heartbeatFile(777, home);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${child.pid}\n`);
    expect(runCheck(root, { AGENT_WARDEN_HOME: home, CLAUDE_PID: '777' }).stdout).toBe('');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(runCheck(root, { AGENT_WARDEN_HOME: home, CLAUDE_PID: '777' }).stdout).toContain('COMMAND_HOOK_RAN');
  });

  it('takes over from a killed server that is still a zombie (not yet reaped by Claude Code)', async () => {
    const root = fakePlugin();
    const home = tmp();
    // `sleep 0` exits at once; its parent then becomes `sleep 30`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(await new Promise<string>((r) => parent.stdout!.once('data', (b: Buffer) => r(b.toString()))));
    await new Promise((r) => setTimeout(r, 200));
    try {
      expect(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /);
      const file = heartbeatFile(888, home);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${zombie}\n`);
      expect(runCheck(root, { AGENT_WARDEN_HOME: home, CLAUDE_PID: '888' }).stdout).toContain('COMMAND_HOOK_RAN');
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('an event whose answer is always empty goes to the inbox instead of starting Node, unless the inbox cannot take it', () => {
    const root = fakePlugin();
    const home = tmp();
    const project = tmp();
    const run = (env: Record<string, string>) =>
      spawnSync('sh', [SCRIPT, root, 'inbox'], { input: '{"payload":2}', env: { PATH: process.env.PATH!, HOME: tmp(), ...env }, encoding: 'utf8' });
    const left = run({ AGENT_WARDEN_HOME: home, CLAUDE_PID: '31', CLAUDE_PROJECT_DIR: project });
    expect(left).toMatchObject({ status: 0, stdout: '' });
    const files = fs.readdirSync(path.join(home, 'inbox'));
    expect(files).toHaveLength(1);
    expect(fs.readFileSync(path.join(home, 'inbox', files[0]!), 'utf8')).toBe(`${project}\n{"payload":2}\n`);
    // A live server answers it: nothing is left anywhere.
    const file = heartbeatFile(32, home);
    announceResident(file);
    expect(run({ AGENT_WARDEN_HOME: home, CLAUDE_PID: '32', CLAUDE_PROJECT_DIR: project }).stdout).toBe('');
    expect(fs.readdirSync(path.join(home, 'inbox'))).toHaveLength(1);
    withdrawResident(file);
    // An inbox that cannot take a file, or no project dir: the Node hook gets the payload.
    const blocked = tmp();
    fs.writeFileSync(path.join(blocked, 'inbox'), 'not a folder');
    expect(run({ AGENT_WARDEN_HOME: blocked, CLAUDE_PID: '33', CLAUDE_PROJECT_DIR: project }).stdout).toBe('COMMAND_HOOK_RAN:{"payload":2}\n');
    expect(run({ AGENT_WARDEN_HOME: home, CLAUDE_PID: '34' }).stdout).toBe('COMMAND_HOOK_RAN:{"payload":2}');
  });

  it('withdraws only its own heartbeat (a restarted server may have written a newer one)', () => {
    const home = tmp();
    const file = heartbeatFile(5, home);
    announceResident(file);
    fs.writeFileSync(file, '99999999\n');
    withdrawResident(file);
    expect(fs.existsSync(file)).toBe(true);
    announceResident(file);
    withdrawResident(file);
    expect(fs.existsSync(file)).toBe(false);
  });
});

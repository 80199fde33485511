/**
 * The CLI in an environment it cannot change: another user on a read-only copy of a ledger, and a
 * full disk (a small tmpfs, mounted in a private mount namespace so nothing leaks). Every read
 * command answers or prints one line; write commands print one line and exit 1; nothing prints a
 * stack trace or exits 2. Runs the fresh build (dist/cli.cjs, dist/hook.cjs) as real processes.
 * Needs root (useradd, runuser, unshare, mount), as the test machines run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookPayload } from '../support/hook-runner';
import { CLI, HOOK } from '../support/warden';

const USER = 'aw-readonly-test';
const SESSION = 'sess-ro-1';
const READ_COMMANDS = [
  ['sessions'],
  ['dispatches'],
  ['dispatches', '--csv'],
  ['report'],
  ['budget', 'status'],
  ['failures'],
  ['events'],
  ['events', '--json'],
  ['show', 'toolu_ro_dispatch'],
  ['session-report', SESSION],
  ['optimize'],
  ['breaker', 'status'],
  ['doctor'],
];
const WRITE_COMMANDS = [
  ['budget', 'override', '--session', SESSION, '--add', '5000'],
  ['ledger', 'rebuild'],
  ['breaker', 'reset', '--all'],
];

let root: string;

/** A ledger with a session, a dispatch, tool calls and a failure, recorded by the real hook as root. */
function sessionEvents(project: string): Record<string, unknown>[] {
  const s = (n: string) => ({ session: SESSION, cwd: project, toolUseId: n });
  return [
    hookPayload('SessionStart', s('x')),
    hookPayload('PreToolUse', s('toolu_ro_1')),
    hookPayload('PostToolUseFailure', s('toolu_ro_1')),
    hookPayload('PreToolUse', s('toolu_ro_dispatch'), { tool_name: 'Agent', tool_input: { subagent_type: 'worker', description: 'a job', prompt: 'do it' } }),
  ];
}

function recordLedger(home: string, project: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env, AGENT_WARDEN_HOME: home, CLAUDE_PROJECT_DIR: project };
  delete env.NODE_OPTIONS;
  for (const e of sessionEvents(project)) {
    const r = spawnSync(process.execPath, [HOOK], { input: JSON.stringify(e), env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }
}

/** Exit 0 or 1, never a stack trace or an internal error; on exit 1, one line saying why. */
/**
 * The Node running the tests may live where another user cannot reach it (CI fetches Node 22 and 24
 * into root's cache): the other user runs a copy of that same binary from a folder anyone can enter.
 */
let sharedNode: string | undefined;
function nodeForOtherUser(): string {
  if (sharedNode) return sharedNode;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-node-'));
  fs.chmodSync(dir, 0o755);
  sharedNode = path.join(dir, 'node');
  fs.copyFileSync(process.execPath, sharedNode);
  fs.chmodSync(sharedNode, 0o755);
  return sharedNode;
}

function expectCalm(label: string, r: { status: number | null; stdout: string; stderr: string }): void {
  expect(r.status, `${label}: ${r.stderr}`).not.toBeNull();
  expect([0, 1], `${label} exited ${r.status}: ${r.stderr}`).toContain(r.status);
  expect(r.stderr, label).not.toMatch(/internal error|^\s+at \S+ \(|Error: /m);
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !/reads a snapshot of the ledger/.test(l));
  if (r.status === 1 && label !== 'doctor') expect(lines, `${label}: one line`).toHaveLength(1);
}

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-hostile-')));
  fs.chmodSync(root, 0o755);
  if (spawnSync('id', ['-u', USER]).status !== 0) execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', USER]);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('another user on a read-only copy of a ledger', () => {
  it('every read command answers or prints one line; write commands refuse in one line; none prints a stack trace or exits 2', () => {
    const project = path.join(root, 'project');
    const own = path.join(root, 'own-home');
    fs.mkdirSync(project, { recursive: true });
    recordLedger(own, project);
    // The copy: readable by everyone, writable by nobody but root, in a folder nobody else can write.
    const copy = path.join(root, 'ro-home');
    fs.cpSync(own, copy, { recursive: true });
    for (const f of fs.readdirSync(copy)) fs.chmodSync(path.join(copy, f), fs.statSync(path.join(copy, f)).isDirectory() ? 0o555 : 0o444);
    fs.chmodSync(copy, 0o555);
    const userHome = path.join(root, 'user-home');
    fs.mkdirSync(userHome, { mode: 0o777 });
    fs.chmodSync(userHome, 0o777);

    const asUser = (args: string[]) => {
      const r = spawnSync('runuser', ['-u', USER, '--', 'env', '-i', `PATH=${process.env.PATH}`, `HOME=${userHome}`, `AGENT_WARDEN_HOME=${copy}`, `CLAUDE_PROJECT_DIR=${project}`, 'NO_COLOR=1', nodeForOtherUser(), CLI, ...args], {
        cwd: project,
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    expect(asUser(['--version']).status, 'the other user can run the CLI at all').toBe(0);

    for (const args of READ_COMMANDS) {
      const r = asUser(args);
      expectCalm(args.join(' '), r);
      if (args[0] !== 'doctor') expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    // The data really is there (not an empty stand-in).
    expect(JSON.parse(asUser(['sessions', '--json']).stdout).map((s: any) => s.session_id)).toEqual([SESSION]);
    expect(asUser(['show', 'toolu_ro_dispatch']).stdout).toContain('worker');

    for (const args of WRITE_COMMANDS) {
      const r = asUser(args);
      expectCalm(args.join(' '), r);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/read-only for you/);
    }
    // Nothing was changed or created beside the copy.
    expect(fs.readdirSync(copy).sort()).toEqual(fs.readdirSync(own).filter((f) => !f.endsWith('-shm') && !f.endsWith('-wal')).sort());
  });
});

describe('a damaged or missing ledger', () => {
  it('every read command prints one line naming the cause (damaged) or answers empty (missing); nothing exits 2; a missing ledger is not created', () => {
    const project = path.join(root, 'project-damaged');
    fs.mkdirSync(project, { recursive: true });
    const damaged = path.join(root, 'damaged-home');
    fs.mkdirSync(damaged, { mode: 0o555 });
    fs.writeFileSync(path.join(damaged, 'ledger.db'), Buffer.alloc(64 * 1024, 'not a database '));
    fs.chmodSync(path.join(damaged, 'ledger.db'), 0o444);
    fs.chmodSync(damaged, 0o555);
    const missing = path.join(root, 'missing-home');
    fs.mkdirSync(missing);
    // The damaged one is read by another user, who cannot move it aside (a hook of its owner would).
    const run = (home: string, args: string[], user?: string) => {
      const env = [`PATH=${process.env.PATH}`, `HOME=${root}`, `AGENT_WARDEN_HOME=${home}`, `CLAUDE_PROJECT_DIR=${project}`, 'NO_COLOR=1'];
      const cmd = user ? ['runuser', '-u', user, '--', 'env', '-i', ...env, nodeForOtherUser(), CLI, ...args] : ['env', '-i', ...env, process.execPath, CLI, ...args];
      const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: project, encoding: 'utf8', timeout: 30_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    for (const args of READ_COMMANDS.filter((a) => a[0] !== 'doctor')) {
      const bad = run(damaged, args, USER);
      expectCalm(`damaged: ${args.join(' ')}`, bad);
      expect(bad.status, args.join(' ')).toBe(1);
      expect(bad.stderr, args.join(' ')).toMatch(/ledger\.db is damaged.*agent-warden doctor/);
      const none = run(missing, args);
      expectCalm(`missing: ${args.join(' ')}`, none);
      if (args[0] !== 'show' && args[0] !== 'session-report') expect(none.status, `${args.join(' ')}: ${none.stderr}`).toBe(0);
    }
    expect(fs.readdirSync(missing)).toEqual([]);
  });
});

describe('a full disk', () => {
  it('read commands answer from a snapshot, write commands say the disk is full in one line, nothing exits 2', () => {
    const project = path.join(root, 'project-full');
    fs.mkdirSync(project, { recursive: true });
    const mnt = path.join(root, 'tmpfs');
    fs.mkdirSync(mnt);
    const home = path.join(mnt, 'home');
    const payloads = path.join(root, 'payloads.jsonl');
    fs.writeFileSync(payloads, sessionEvents(project).map((p) => JSON.stringify(p)).join('\n') + '\n');
    const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const commands = [...READ_COMMANDS, ...WRITE_COMMANDS, ['budget', 'set', '--scope', 'day', '--tokens', '5000'], ['trust']];
    const script = [
      'set -u',
      `mount -t tmpfs -o size=2m tmpfs ${q(mnt)}`,
      `export AGENT_WARDEN_HOME=${q(home)} CLAUDE_PROJECT_DIR=${q(project)} NO_COLOR=1`,
      `while IFS= read -r line; do printf '%s' "$line" | ${q(process.execPath)} ${q(HOOK)} >/dev/null 2>&1; done < ${q(payloads)}`,
      `dd if=/dev/zero of=${q(path.join(mnt, 'fill'))} bs=64k >/dev/null 2>&1 || true`,
      `df -P ${q(mnt)} | tail -1 | awk '{print "AVAIL=" $4}'`,
      ...commands.map((c) => `echo "@@@ ${c.join(' ')}"; ${q(process.execPath)} ${q(CLI)} ${c.map(q).join(' ')} >/dev/null 2>${q(path.join(root, 'err'))}; echo "@@@rc=$?"; cat ${q(path.join(root, 'err'))}`),
    ].join('\n');
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('AVAIL=0');
    const blocks = r.stdout.split('@@@ ').slice(1);
    expect(blocks).toHaveLength(commands.length);
    for (const block of blocks) {
      const [label, rest] = [block.slice(0, block.indexOf('\n')), block.slice(block.indexOf('\n') + 1)];
      const rc = Number(/@@@rc=(\d+)/.exec(rest)?.[1]);
      const stderr = rest.replace(/@@@rc=\d+\n/, '');
      expectCalm(label, { status: rc, stdout: '', stderr });
      const isWrite = WRITE_COMMANDS.some((c) => c.join(' ') === label) || label.startsWith('budget set') || label === 'trust';
      if (isWrite) {
        expect(rc, label).toBe(1);
        expect(stderr, label).toMatch(/full/);
      } else if (label !== 'doctor') expect(rc, `${label}: ${stderr}`).toBe(0);
    }
    // The mount stayed inside its namespace.
    expect(fs.readdirSync(mnt)).toEqual([]);
  });
});

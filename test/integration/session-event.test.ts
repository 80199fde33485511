/**
 * Issue 20: SessionStart and SessionEnd go through hooks/session-event.sh, which leaves the payload
 * in the inbox instead of starting Node on the session's critical path. Real processes: the script
 * under `sh`, the fresh build's hook and CLI. Checked here: a start with nothing to say starts no
 * Node and is recorded by the next hook, before that hook's own event; a start that may have
 * something to say runs the Node hook and answers; an end is recorded by the detached drain, or,
 * when that never ran (killed with the session), by the next hook or report; nothing lands twice.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/ledger/driver';
import { PLUGIN_DIR } from '../support/built';
import { hookPayload, makeWardenDirs, runHook, type WardenDirs } from '../support/hook-runner';
import { CLI } from '../support/warden';

const SCRIPT = path.join(PLUGIN_DIR, 'hooks', 'session-event.sh');
const dirs: WardenDirs[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function setup(): WardenDirs {
  const d = makeWardenDirs('session-event');
  // As Claude Code starts hooks: its pid and the plugin root in the environment.
  d.env.CLAUDE_PID = String(process.pid);
  d.env.CLAUDE_PLUGIN_ROOT = PLUGIN_DIR;
  for (const k of Object.keys(d.env)) if (k.startsWith('AGENT_WARDEN_') && !['AGENT_WARDEN_HOME', 'AGENT_WARDEN_TEST_PLUGIN'].includes(k)) delete d.env[k];
  dirs.push(d);
  return d;
}

function session(d: WardenDirs, kind: 'start' | 'end', payload: Record<string, unknown>, root = PLUGIN_DIR, env: NodeJS.ProcessEnv = d.env) {
  const r = spawnSync('sh', [SCRIPT, root, kind], { input: JSON.stringify(payload), env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const inbox = (d: WardenDirs) => (fs.existsSync(path.join(d.home, 'inbox')) ? fs.readdirSync(path.join(d.home, 'inbox')) : []);

function events(d: WardenDirs): Array<{ kind: string; uid: string; received_at: number; session_id: string }> {
  const file = path.join(d.home, 'ledger.db');
  if (!fs.existsSync(file)) return [];
  const db = openDatabase(file, { readonly: true });
  try {
    return db.prepare('SELECT kind, uid, received_at, session_id FROM events ORDER BY seq').all() as any[];
  } finally {
    db.close();
  }
}

/** Waits (bounded) for the detached drain a session end starts: asynchronous by design. */
async function until(what: string, ready: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !ready(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!ready()) throw new Error(`gave up waiting for: ${what}`);
}

describe('hooks/session-event.sh', () => {
  it('a start with nothing to say leaves the payload in the inbox, says nothing, and the next hook records it first', () => {
    const d = setup();
    const s = { session: 'ev-1', cwd: d.project, toolUseId: 'toolu_ev_1' };
    const start = session(d, 'start', hookPayload('SessionStart', s));
    expect(start).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(inbox(d)).toHaveLength(1);
    expect(fs.existsSync(path.join(d.home, 'ledger.db')), 'no Node started: nothing opened the ledger').toBe(false);

    const pre = runHook(JSON.stringify(hookPayload('PreToolUse', s)), d.env);
    expect(pre.status, pre.stderr).toBe(0);
    expect(inbox(d)).toEqual([]);
    const rows = events(d);
    expect(rows.map((e) => e.kind)).toEqual(['SessionStart', 'PreToolUse']);
    expect(rows[0]!.received_at).toBeLessThanOrEqual(rows[1]!.received_at);
    expect(rows[0]!.uid).toMatch(/^inbox:start-/);
  });

  it('a start that may have something to say runs the Node hook: the extended-agent index, a config file, a setting variable', () => {
    const d = setup();
    fs.mkdirSync(path.join(d.project, '.claude', 'agents-extended'), { recursive: true });
    fs.writeFileSync(path.join(d.project, '.claude', 'agents-extended', 'db-tuner.md'), '---\nname: db-tuner\ndescription: Tunes SQL.\n---\nBody\n');
    const indexed = session(d, 'start', hookPayload('SessionStart', { session: 'ev-2', cwd: d.project }));
    expect(indexed.status, indexed.stderr).toBe(0);
    expect(JSON.parse(indexed.stdout).hookSpecificOutput.additionalContext).toMatch(/^agent-warden: 1 more agent is installed but not listed/);
    expect(inbox(d)).toEqual([]);
    expect(events(d).map((e) => e.kind)).toEqual(['SessionStart']);

    const e = setup();
    fs.mkdirSync(e.home, { recursive: true });
    fs.writeFileSync(path.join(e.home, 'config.json'), JSON.stringify({ budgets: [{ scope: 'sesion', limit_tokens: 10 }] }));
    const told = session(e, 'start', hookPayload('SessionStart', { session: 'ev-3', cwd: e.project }));
    expect(told.status, told.stderr).toBe(0);
    expect(JSON.parse(told.stdout).hookSpecificOutput.additionalContext).toContain('budgets[0].scope');

    const f = setup();
    const byVariable = session(f, 'start', hookPayload('SessionStart', { session: 'ev-4', cwd: f.project }), PLUGIN_DIR, { ...f.env, AGENT_WARDEN_PRIVACY: 'secret-ish' });
    expect(byVariable.status, byVariable.stderr).toBe(0);
    expect(JSON.parse(byVariable.stdout).hookSpecificOutput.additionalContext).toContain('AGENT_WARDEN_PRIVACY');
    // agent-warden's variables that are not settings change nothing.
    const g = setup();
    const plain = session(g, 'start', hookPayload('SessionStart', { session: 'ev-5', cwd: g.project }), PLUGIN_DIR, { ...g.env, AGENT_WARDEN_SQLITE_DRIVER: 'better-sqlite3', AGENT_WARDEN_TEST_X: '1' });
    expect(plain).toMatchObject({ status: 0, stdout: '' });
    expect(inbox(g)).toHaveLength(1);
  });

  it("a home the project's own settings may have set is left to the Node hook, which ignores it and says so", () => {
    const d = setup();
    const elsewhere = path.join(d.project, 'elsewhere');
    const settings = path.join(d.project, '.claude', 'settings.json');
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify({ env: { AGENT_WARDEN_HOME: elsewhere } }));
    const env = { ...d.env, AGENT_WARDEN_HOME: elsewhere, HOME: path.join(d.project, 'user') };
    const start = session(d, 'start', hookPayload('SessionStart', { session: 'ev-12', cwd: d.project }), PLUGIN_DIR, env);
    expect(start.status, start.stderr).toBe(0);
    expect(JSON.parse(start.stdout).systemMessage).toContain('a project cannot move the ledger');
    const end = session(d, 'end', hookPayload('SessionEnd', { session: 'ev-12', cwd: d.project }), PLUGIN_DIR, env);
    expect(end.status, end.stderr).toBe(0);
    expect(fs.existsSync(elsewhere), 'nothing written where the project pointed').toBe(false);
  });

  it('an end is recorded by the detached drain it starts, nobody waiting for it', async () => {
    const d = setup();
    const s = { session: 'ev-6', cwd: d.project };
    expect(session(d, 'start', hookPayload('SessionStart', s)).status).toBe(0);
    const end = session(d, 'end', hookPayload('SessionEnd', s));
    expect(end).toMatchObject({ status: 0, stdout: '', stderr: '' });
    await until('the drain to empty the inbox', () => inbox(d).length === 0);
    expect(events(d).map((e) => e.kind)).toEqual(['SessionStart', 'SessionEnd']);
  });

  it('an end whose drain never ran (killed with the session) is taken in by the next report, and by the next hook, once', () => {
    const d = setup();
    const s = { session: 'ev-7', cwd: d.project };
    // A plugin root without dist/hook.cjs: the script starts no drain, as if it had been killed.
    const noDrain = path.join(d.project, 'no-dist');
    fs.mkdirSync(noDrain);
    expect(session(d, 'start', hookPayload('SessionStart', s), noDrain).status).toBe(0);
    expect(session(d, 'end', hookPayload('SessionEnd', s), noDrain).status).toBe(0);
    expect(inbox(d)).toHaveLength(2);
    // The first hook of another session creates the ledger and records both first.
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: 'ev-8', cwd: d.project, toolUseId: 'toolu_ev_8' })), d.env).status).toBe(0);
    expect(events(d).map((e) => `${e.session_id} ${e.kind}`)).toEqual(['ev-7 SessionStart', 'ev-7 SessionEnd', 'ev-8 PreToolUse']);

    // A report takes in an end left behind, too; the same file twice (two drains racing) lands once.
    const left = session(d, 'end', hookPayload('SessionEnd', { session: 'ev-8', cwd: d.project }), noDrain);
    expect(left.status).toBe(0);
    const [file] = inbox(d);
    const copy = fs.readFileSync(path.join(d.home, 'inbox', file!));
    const report = spawnSync(process.execPath, [CLI, 'sessions', '--json'], { env: d.env, encoding: 'utf8' });
    expect(report.status, report.stderr).toBe(0);
    const ended = JSON.parse(report.stdout).find((x: any) => x.session_id === 'ev-8');
    expect(ended.ended_at).toBeTruthy();
    fs.writeFileSync(path.join(d.home, 'inbox', file!), copy);
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: 'ev-8', cwd: d.project, toolUseId: 'toolu_ev_9' })), d.env).status).toBe(0);
    expect(inbox(d)).toEqual([]);
    expect(events(d).filter((e) => e.kind === 'SessionEnd').map((e) => e.session_id)).toEqual(['ev-7', 'ev-8']);
  });

  it('while the ledger cannot be opened, what waits in the inbox moves to the spool in order, and is replayed in order', () => {
    const d = setup();
    const s = { session: 'ev-13', cwd: d.project, toolUseId: 'toolu_ev_13' };
    const noDrain = path.join(d.project, 'no-dist');
    fs.mkdirSync(noDrain);
    expect(session(d, 'start', hookPayload('SessionStart', s), noDrain).status).toBe(0);
    // A directory where the ledger file should be: SQLite cannot open it (as when the native module is still installing).
    fs.mkdirSync(path.join(d.home, 'ledger.db'));
    const pre = runHook(JSON.stringify(hookPayload('PreToolUse', s)), d.env);
    expect(pre.status, pre.stderr).toBe(0);
    expect(pre.stderr).toContain('event spooled for later');
    expect(inbox(d)).toEqual([]);
    expect(fs.readdirSync(path.join(d.home, 'spool'))).toHaveLength(2);
    fs.rmdirSync(path.join(d.home, 'ledger.db'));
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { ...s, toolUseId: 'toolu_ev_14' })), d.env).status).toBe(0);
    expect(events(d).map((e) => `${e.kind} ${e.uid.split(':')[0]}`)).toEqual(['SessionStart inbox', 'PreToolUse PreToolUse', 'PreToolUse PreToolUse']);
  });

  it('a file still being written is left alone; an inbox that cannot be written hands the event to the Node hook', () => {
    const d = setup();
    fs.mkdirSync(path.join(d.home, 'inbox'), { recursive: true });
    fs.writeFileSync(path.join(d.home, 'inbox', 'end-1-1.json'), `${d.project}\n{"session_id":"ev-10","hook_event_na`);
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: 'ev-10', cwd: d.project, toolUseId: 'toolu_ev_10' })), d.env).status).toBe(0);
    expect(inbox(d)).toEqual(['end-1-1.json']);
    expect(events(d).map((e) => e.kind)).toEqual(['PreToolUse']);

    const e = setup();
    fs.mkdirSync(e.home, { recursive: true });
    fs.writeFileSync(path.join(e.home, 'inbox'), 'not a folder');
    const start = session(e, 'start', hookPayload('SessionStart', { session: 'ev-11', cwd: e.project }));
    expect(start.status, start.stderr).toBe(0);
    expect(events(e).map((x) => x.kind)).toEqual(['SessionStart']);
  });
});

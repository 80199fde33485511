/**
 * Hostile paths around the real hook (`dist/hook.cjs`), the resident MCP server (`dist/server.cjs`)
 * and the CLI (`dist/cli.cjs`): a FIFO, /dev/zero, a directory or a symlink loop named as a
 * transcript or a subagent's meta file; a symlinked home; a deliberately 0500 home; a payload nested
 * 5,000 deep; a spool that cannot be written. Each time the event is kept (or its loss said once,
 * in the right words) and nothing hangs. Bounds here are generous anti-hang bounds; speed lives in
 * bench/.
 */
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fallbackSpoolDir } from '../../src/ledger/spool';
import { REPO, hookPayload, makeWardenDirs, runHook, type WardenDirs } from '../support/hook-runner';

const CLI = path.join(REPO, 'dist', 'cli.cjs');
const SERVER = path.join(REPO, 'dist', 'server.cjs');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dirs(label: string): WardenDirs {
  const d = makeWardenDirs(label);
  cleanups.push(d.cleanup);
  return d;
}

const SESSION = 'hostile-s';
const assistantLine = (id: string, output: number) =>
  JSON.stringify({ type: 'assistant', timestamp: '2026-11-30T10:00:00.000Z', message: { id, model: 'claude-sonnet-5-5', role: 'assistant', content: [], usage: { input_tokens: 10, output_tokens: output } } });

/** The special files of the issue, made in `dir`; each returns its path. */
const SPECIAL: Record<string, (dir: string, name: string) => string> = {
  fifo: (dir, name) => {
    const p = path.join(dir, name);
    execFileSync('mkfifo', [p]);
    return p;
  },
  'dev-zero': (dir, name) => {
    const p = path.join(dir, name);
    fs.symlinkSync('/dev/zero', p);
    return p;
  },
  directory: (dir, name) => {
    const p = path.join(dir, name);
    fs.mkdirSync(p);
    return p;
  },
  'symlink-loop': (dir, name) => {
    const p = path.join(dir, name);
    fs.symlinkSync(p, p);
    return p;
  },
};

function ledgerRows<T>(d: WardenDirs, sql: string): T[] {
  const db = openDatabase(path.join(d.home, 'ledger.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
const storedUids = (d: WardenDirs) => ledgerRows<{ uid: string }>(d, `SELECT uid FROM events WHERE uid IS NOT NULL ORDER BY seq`).map((r) => r.uid);

function timedHook(input: string, env: NodeJS.ProcessEnv) {
  const started = Date.now();
  const run = runHook(input, env, 10_000);
  return { ...run, ms: Date.now() - started };
}

describe('special files as transcript and meta paths', () => {
  for (const [kind, make] of Object.entries(SPECIAL)) {
    it(`${kind} as the session transcript, the subagent transcript and its .meta.json: the hook exits 0 and keeps every event`, () => {
      const d = dirs(`special-${kind}`);
      const transcript = make(d.project, 'main.jsonl');
      const pre = hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_1' }, { transcript_path: transcript });
      const r1 = timedHook(JSON.stringify(pre), d.env);
      expect(r1.signal, `hung on a ${kind} transcript`).toBeNull();
      expect(r1.status).toBe(0);
      expect(r1.ms).toBeLessThan(8000);

      // A subagent whose transcript is the special file, and one whose meta file is.
      const subDir = path.join(d.project, 'main', 'subagents');
      fs.mkdirSync(subDir, { recursive: true });
      const agentTranscript = make(subDir, 'agent-a1.jsonl');
      const stop1 = hookPayload('SubagentStop', { session: SESSION, cwd: d.project, agentId: 'a1' }, { agent_transcript_path: agentTranscript });
      const r2 = timedHook(JSON.stringify(stop1), d.env);
      expect(r2.signal, `hung on a ${kind} subagent transcript`).toBeNull();
      expect(r2.status).toBe(0);

      fs.writeFileSync(path.join(subDir, 'agent-a2.jsonl'), assistantLine('msg_a2', 7) + '\n');
      make(subDir, 'agent-a2.meta.json');
      const stop2 = hookPayload('SubagentStop', { session: SESSION, cwd: d.project, agentId: 'a2' }, { agent_transcript_path: path.join(subDir, 'agent-a2.jsonl') });
      const r3 = timedHook(JSON.stringify(stop2), d.env);
      expect(r3.signal, `hung on a ${kind} meta file`).toBeNull();
      expect(r3.status).toBe(0);

      const kinds = ledgerRows<{ kind: string }>(d, `SELECT kind FROM events WHERE session_id = '${SESSION}' ORDER BY seq`).map((r) => r.kind);
      expect(kinds.filter((k) => k === 'PreToolUse' || k === 'SubagentStop')).toEqual(['PreToolUse', 'SubagentStop', 'SubagentStop']);
      // The regular transcript next to a hostile meta file is still counted.
      const runs = ledgerRows<{ agent_id: string; output_tokens: number }>(d, `SELECT agent_id, output_tokens FROM agent_runs WHERE agent_id = 'a2'`);
      expect(runs).toEqual([{ agent_id: 'a2', output_tokens: 7 }]);
    });
  }

  it('the resident MCP server answers a call naming a FIFO transcript, and keeps answering the next ones', async () => {
    const d = dirs('special-server');
    const fifo = SPECIAL.fifo!(d.project, 'main.jsonl');
    const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER], env: d.env as Record<string, string>, cwd: d.project, stderr: 'ignore' });
    const client = new Client({ name: 'hostile-test', version: '1' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const call = (n: number, transcript: string) =>
      client.callTool(
        { name: 'hook', arguments: { hook_event_name: 'PreToolUse', session_id: SESSION, transcript_path: transcript, cwd: d.project, tool_name: 'Bash', tool_use_id: `toolu_${n}`, tool_input: '{"command":"ls"}' } },
        undefined,
        { timeout: 8000 },
      );
    await call(1, fifo);
    await call(2, path.join(d.project, 'absent.jsonl'));
    await call(3, fifo);
    expect(storedUids(d).filter((u) => u.startsWith('PreToolUse'))).toEqual([1, 2, 3].map((n) => `PreToolUse:${SESSION}:toolu_${n}`));
  });

  it('report, sessions and events do not hang when a recorded transcript later becomes a FIFO', () => {
    const d = dirs('special-cli');
    const transcript = path.join(d.project, 'main.jsonl');
    fs.writeFileSync(transcript, assistantLine('msg_1', 5) + '\n');
    const subDir = path.join(d.project, 'main', 'subagents');
    fs.mkdirSync(subDir, { recursive: true });
    const agentTranscript = path.join(subDir, 'agent-a1.jsonl');
    fs.writeFileSync(agentTranscript, assistantLine('msg_a1', 3) + '\n');
    for (const payload of [
      hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_1' }, { transcript_path: transcript }),
      hookPayload('SubagentStop', { session: SESSION, cwd: d.project, agentId: 'a1' }, { transcript_path: transcript, agent_transcript_path: agentTranscript }),
    ]) {
      expect(runHook(JSON.stringify(payload), d.env).status).toBe(0);
    }
    for (const f of [transcript, agentTranscript]) {
      fs.rmSync(f);
      execFileSync('mkfifo', [f]);
    }
    for (const args of [['report'], ['sessions', '--json'], ['events', '--json']]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { env: d.env, cwd: d.project, encoding: 'utf8', timeout: 10_000 });
      expect(r.signal, `agent-warden ${args.join(' ')} hung`).toBeNull();
      expect(r.status, r.stderr).toBe(0);
    }
  });
});

describe('the home and its files', () => {
  it('a symlinked warden.log is refused, never appended to where it points', () => {
    const d = dirs('home-link');
    fs.mkdirSync(d.home, { recursive: true, mode: 0o700 });
    const victim = path.join(path.dirname(d.home), 'victim.txt');
    fs.writeFileSync(victim, 'precious\n');
    fs.symlinkSync(victim, path.join(d.home, 'warden.log'));
    // A malformed input is traced to the log.
    const run = runHook('{not json', d.env);
    expect(run.status).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('a symlinked ledger.db is refused with a message; the event is spooled, the target untouched', () => {
    const d = dirs('ledger-link');
    fs.mkdirSync(d.home, { recursive: true, mode: 0o700 });
    const victim = path.join(path.dirname(d.home), 'victim.db');
    fs.writeFileSync(victim, 'precious\n');
    fs.symlinkSync(victim, path.join(d.home, 'ledger.db'));
    const run = runHook(JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_1' })), d.env);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/symlink/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(fs.readdirSync(path.join(d.home, 'spool')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('a deliberately 0500 home keeps its mode (the hook only ever tightens)', () => {
    const d = dirs('home-0500');
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_1' })), d.env).status).toBe(0);
    fs.chmodSync(d.home, 0o500);
    cleanups.push(() => fs.chmodSync(d.home, 0o700));
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_2' })), d.env).status).toBe(0);
    expect(fs.statSync(d.home).mode & 0o777).toBe(0o500);
  });

  it('a 0755 home is tightened to 0700', () => {
    const d = dirs('home-0755');
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_1' })), d.env).status).toBe(0);
    fs.chmodSync(d.home, 0o755);
    expect(runHook(JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_2' })), d.env).status).toBe(0);
    expect(fs.statSync(d.home).mode & 0o777).toBe(0o700);
  });
});

describe('payloads and logs', () => {
  it('a tool input nested 5,000 deep is recorded, not lost', () => {
    const d = dirs('deep');
    const pre = JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_deep' }, { tool_input: { command: 'ls', nested: '@DEEP@' } }));
    // Built as text: JSON.stringify itself cannot serialize 5,000 levels.
    const run = runHook(pre.replace('"@DEEP@"', '{"k":'.repeat(5000) + '"leaf"' + '}'.repeat(5000)), d.env);
    expect(run.status).toBe(0);
    expect(storedUids(d)).toContain(`PreToolUse:${SESSION}:toolu_deep`);
    expect(fs.existsSync(path.join(d.home, 'spool')) ? fs.readdirSync(path.join(d.home, 'spool')).filter((f) => f.endsWith('.json')) : []).toEqual([]);
  });

  it('an event that can be neither recorded nor spooled is reported lost, and never as "spooled for later"', () => {
    const d = dirs('lost');
    // The home is a file: nothing (ledger, spool) can go under it; the fallback spool is blocked too.
    fs.mkdirSync(path.dirname(d.home), { recursive: true });
    fs.writeFileSync(d.home, 'not a directory');
    const fallback = fallbackSpoolDir(d.home);
    fs.mkdirSync(path.dirname(path.dirname(fallback)), { recursive: true });
    fs.writeFileSync(path.dirname(fallback), 'blocked');
    cleanups.push(() => fs.rmSync(path.dirname(fallback), { force: true, recursive: true }));
    const run = runHook(JSON.stringify(hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_1' })), d.env);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/lost/);
    expect(run.stderr).not.toMatch(/spooled for later/);
  });
});

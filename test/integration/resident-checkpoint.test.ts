/**
 * The resident server (`dist/server.cjs`) keeps SQLite from checkpointing inside a tool call's
 * commit and checkpoints the WAL itself once the session has been quiet for a second. What a user
 * would check: after a burst of tool calls and a quiet moment, the calls are in the database file
 * itself, not only in its write-ahead log, while the server is still running. A copy of
 * `ledger.db` taken without its `-wal` reads only the database file.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/ledger/driver';
import { REPO, makeWardenDirs } from '../support/hook-runner';

const SERVER = path.join(REPO, 'dist', 'server.cjs');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Tool calls of `session` found in the database file alone (the WAL left out), or -1 when the copy
 * cannot be read: no schema in the file yet, or a checkpoint caught halfway (the next poll copies again).
 */
function callsInDatabaseFile(home: string, session: string): number {
  const dir = fs.mkdtempSync(path.join(home, 'copy-'));
  const copy = path.join(dir, 'main-file-only.db');
  try {
    fs.copyFileSync(path.join(home, 'ledger.db'), copy);
    const db = openDatabase(copy);
    try {
      return (db.prepare(`SELECT count(*) AS n FROM events WHERE kind = 'PreToolUse' AND session_id = ?`).get(session) as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return -1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('resident server: WAL checkpoint once the session is quiet', () => {
  it('leaves a burst of tool calls in the database file itself after a quiet second, with the server still running', async () => {
    const d = makeWardenDirs('resident-checkpoint');
    cleanups.push(d.cleanup);
    const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER], env: d.env as Record<string, string>, cwd: d.project, stderr: 'ignore' });
    const client = new Client({ name: 'checkpoint-test', version: '1' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const session = 'checkpoint-s';
    const call = (n: number) =>
      client.callTool({
        name: 'hook',
        arguments: { hook_event_name: 'PreToolUse', session_id: session, transcript_path: path.join(d.project, 'none.jsonl'), cwd: d.project, tool_name: 'Bash', tool_use_id: `toolu_${n}`, tool_input: JSON.stringify({ command: `echo ${n}` }) },
      });
    for (let n = 0; n < 30; n++) await call(n);

    // Every call is in the ledger as soon as its answer came back (the WAL counts)...
    const live = openDatabase(path.join(d.home, 'ledger.db'), { readonly: true });
    expect((live.prepare(`SELECT count(*) AS n FROM events WHERE kind = 'PreToolUse' AND session_id = ?`).get(session) as { n: number }).n).toBe(30);
    live.close();

    // ...and, a quiet moment later, in the database file too. The server checkpoints after 1 s of
    // quiet; the bound here is only against a hang.
    let inFile = callsInDatabaseFile(d.home, session);
    for (const until = Date.now() + 20_000; inFile < 30 && Date.now() < until; inFile = callsInDatabaseFile(d.home, session)) await new Promise((r) => setTimeout(r, 250));
    expect(inFile).toBe(30);
    expect(transport.pid, 'the server is still running').toBeGreaterThan(0);
    expect(() => process.kill(transport.pid!, 0)).not.toThrow();
  });
});

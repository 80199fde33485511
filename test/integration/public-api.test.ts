// Issue 16, must show 3: a strict TypeScript program outside the repo imports `agent-warden`,
// type-checks against its published declarations, and reads the same sessions and dispatches
// (count, tokens, agent types) that `sessions --json` / `dispatches --json` print.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_DIR, REPO } from '../support/built';
import { loadFixtureRun, type FixtureRun } from '../support/fixtures';
import { runCli, runHook } from '../support/warden';

const PROGRAM = `import { openLedger, type DispatchRecord, type SessionRecord, type WardenLedger } from 'agent-warden';
const ledger: WardenLedger = openLedger({ home: process.argv[2] });
const sessions: SessionRecord[] = ledger.sessions({ since: new Date(0) });
const dispatches: DispatchRecord[] = ledger.dispatches({});
const events = ledger.events({ kind: 'SubagentStop' });
ledger.close();
process.stdout.write(JSON.stringify({
  sessions: sessions.map((s) => ({ id: s.session_id, main: s.main_tokens, sub: s.subagent_tokens, dispatches: s.dispatches })),
  dispatches: dispatches.map((d) => ({ id: d.tool_use_id, type: d.agent_type, tokens: d.total_tokens })),
  stops: events.length,
}));
`;

describe('the public TypeScript API, from a program outside the repo', () => {
  let run: FixtureRun;
  let consumer: string;
  let home: string;
  beforeAll(() => {
    run = loadFixtureRun('hooks-dispatch');
    home = path.join(run.path, 'warden');
    for (const p of run.payloads) expect(runHook(p.text, home, { cwd: run.path }).status).toBe(0);
    // The package as installed: node_modules/agent-warden is the fresh build (its better-sqlite3
    // resolves from there, as in an install); @types/node is the consumer's own dev dependency.
    consumer = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-consumer-')));
    fs.mkdirSync(path.join(consumer, 'node_modules', '@types'), { recursive: true });
    fs.symlinkSync(PLUGIN_DIR, path.join(consumer, 'node_modules', 'agent-warden'));
    fs.symlinkSync(path.join(REPO, 'node_modules', '@types', 'node'), path.join(consumer, 'node_modules', '@types', 'node'));
    fs.writeFileSync(path.join(consumer, 'main.ts'), PROGRAM);
    fs.writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', outDir: 'out', types: ['node'] }, files: ['main.ts'] }),
    );
  });
  afterAll(() => {
    run?.cleanup();
    if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
  });

  it('type-checks under --strict against the declarations and reads what the CLI prints', () => {
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { cwd: consumer, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const cliSessions = JSON.parse(runCli(['sessions', '--json'], home).stdout) as any[];
    const cliDispatches = JSON.parse(runCli(['dispatches', '--json'], home).stdout) as any[];
    const out = spawnSync(process.execPath, [path.join(consumer, 'out', 'main.js'), home], { cwd: consumer, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const api = JSON.parse(out.stdout);

    expect(cliDispatches.length).toBeGreaterThan(0);
    expect(api.sessions).toEqual(cliSessions.map((s) => ({ id: s.session_id, main: s.main_tokens, sub: s.subagent_tokens, dispatches: s.dispatches })));
    expect(api.dispatches).toEqual(cliDispatches.map((d) => ({ id: d.tool_use_id, type: d.agent_type, tokens: d.total_tokens })));
    expect(api.dispatches.reduce((n: number, d: { tokens: number }) => n + d.tokens, 0)).toBeGreaterThan(0);
    expect(api.stops).toBeGreaterThan(0);
  });
});

/**
 * The resident path with the real CLI: the plugin's MCP server answers PreToolUse /
 * PostToolUseFailure through `mcp_tool` hooks while the command hook stands down, and when the
 * server is gone the command hook takes over. Either way every event is in the ledger once.
 */
import { openDatabase } from '../../src/ledger/driver';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text } from '../support/conversation';
import { firstUserText, isMainThread, isSubagent, toolResults, type Reply } from '../support/mock-model';
import { scratch } from '../support/scratch';

import { PLUGIN_DIR, REPO } from '../support/warden';

const { temp, mock } = scratch();

interface EventRow {
  kind: string;
  source: string;
  uid: string;
  tool_use_id: string | null;
}

function ledgerEvents(wardenHome: string): EventRow[] {
  const db = openDatabase(path.join(wardenHome, 'ledger.db'), { readonly: true });
  try {
    return db.prepare('SELECT kind, source, uid, tool_use_id FROM events ORDER BY seq').all() as EventRow[];
  } finally {
    db.close();
  }
}

function ledgerSession(wardenHome: string) {
  const events = ledgerEvents(wardenHome);
  const tool = events.filter((e) => e.kind === 'PreToolUse' || e.kind === 'PostToolUseFailure');
  return { events, tool, uids: tool.map((e) => e.uid) };
}

/** The resident server's pid for the one Claude Code session running against this warden home. */
function residentPid(wardenHome: string): number | undefined {
  const dir = path.join(wardenHome, 'resident');
  const [file] = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  return file ? Number(fs.readFileSync(path.join(dir, file), 'utf8')) : undefined;
}

/** Same, waiting (synchronously: mock steps are sync) up to 5 s for the server to announce itself. */
function announcedPid(wardenHome: string): number | undefined {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 100; i++) {
    const pid = residentPid(wardenHome);
    if (pid) return pid;
    Atomics.wait(pause, 0, 0, 50);
  }
  return undefined;
}

describe('resident hooks', () => {
  it('records tool events through the MCP server, once, while the command hook stands down', async () => {
    const model = await mock(conversation().main(bash('echo ONE'), bash('echo TWO && exit 3'), text('done')).script());
    const wardenHome = temp(makeHome());

    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd: temp(makeProject()), pluginDirs: [PLUGIN_DIR], wardenHome });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(toolResults(model.modelRequests().filter(isMainThread)[1]!)[0]?.text).toBe('ONE');
    const { tool, uids } = ledgerSession(wardenHome);
    expect(tool.map((e) => `${e.kind} ${e.source} ${e.tool_use_id}`)).toEqual([
      'PreToolUse mcp toolu_1_0',
      'PreToolUse mcp toolu_2_0',
      'PostToolUseFailure mcp toolu_2_0',
    ]);
    expect(new Set(uids).size).toBe(uids.length);
    // The server withdrew its heartbeat when the session ended.
    expect(fs.readdirSync(path.join(wardenHome, 'resident'))).toEqual([]);
  });

  it('delivers a resident denial to the model (the breaker after three identical failures)', async () => {
    const fail = () => bash('echo FLAKY && exit 7');
    const model = await mock(conversation().main(fail(), fail(), fail(), fail(), text('stopped')).script());
    const wardenHome = temp(makeHome());

    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd: temp(makeProject()), pluginDirs: [PLUGIN_DIR], wardenHome });

    expect(run.exitCode, run.stderr).toBe(0);
    const main = model.modelRequests().filter(isMainThread);
    expect(toolResults(main[4]!)[0]).toMatchObject({ isError: true, text: expect.stringMatching(/^PreToolUse:Bash hook error: agent-warden:/) });
    const decisions = ledgerEvents(wardenHome).filter((e) => e.kind === 'decision');
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.every((e) => e.source === 'mcp')).toBe(true);
  });

  it('hands over to the command hook when the server dies mid-session: nothing lost, nothing doubled', async () => {
    const wardenHome = temp(makeHome());
    let killed: number | undefined;
    const pidsSeen: Array<number | undefined> = [];
    const killServer = (): Reply => {
      killed = announcedPid(wardenHome);
      if (killed) process.kill(killed, 'SIGKILL');
      return bash('echo AFTER_KILL_1');
    };
    // Notes which server (if any) is announced when the model asks for the next call.
    const watch = (reply: Reply) => (): Reply => (pidsSeen.push(residentPid(wardenHome)), reply);
    const model = await mock(
      conversation()
        .main(
          bash('echo BEFORE'),
          killServer,
          watch(bash('echo AFTER_KILL_2 && exit 4')),
          watch(dispatch({ subagent_type: 'db-tuner', prompt: 'TUNE_TASK: after the crash' })),
          text('done'),
        )
        .subagent('TUNE_TASK', text('TUNED_WITHOUT_SERVER'))
        .script(),
    );
    const cwd = temp(makeProject({ files: { '.claude/agents-extended/db-tuner.md': '---\nname: db-tuner\ndescription: Tunes SQL.\n---\nDBTUNER_BODY_91x\n' } }));

    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(killed, 'the server was running and was killed').toBeGreaterThan(0);
    const main = model.modelRequests().filter(isMainThread);
    expect(toolResults(main[2]!)[0]?.text).toBe('AFTER_KILL_1');
    expect(toolResults(main[4]!)[0]?.text).toContain('TUNED_WITHOUT_SERVER');
    const { tool, uids } = ledgerSession(wardenHome);
    const mainCalls = main.flatMap((req) => (req.reply && 'content' in req.reply ? req.reply.content : [])).filter((b) => b.type === 'tool_use').map((b) => (b as { id: string }).id);
    expect(mainCalls).toHaveLength(4);
    for (const id of mainCalls) expect(tool.filter((e) => e.kind === 'PreToolUse' && e.tool_use_id === id), id).toHaveLength(1);
    expect(tool.filter((e) => e.kind === 'PostToolUseFailure').map((e) => e.tool_use_id)).toEqual([mainCalls[2]]);
    expect(new Set(uids).size).toBe(uids.length);
    expect(tool.find((e) => e.tool_use_id === mainCalls[0])?.source).toBe('mcp');
    // The call made while the server was dead went through the command hook.
    expect(tool.find((e) => e.tool_use_id === mainCalls[1])?.source).toBe('command');
    // Claude Code may start the server again; once the new one has announced itself, calls are
    // resident again (before that both paths may deliver, and the event is still stored once).
    for (const [i, id] of mainCalls.slice(2).entries()) {
      const source = tool.find((e) => e.kind === 'PreToolUse' && e.tool_use_id === id)?.source;
      const announced = pidsSeen[i];
      if (announced && announced !== killed) expect(source, `${id}: new server ${announced}`).toBe('mcp');
    }
    // The proxy still routes the extended agent, whichever path took the call.
    const sub = model.modelRequests().filter(isSubagent);
    expect(firstUserText(sub[0]!)).toContain('DBTUNER_BODY_91x');
  });

  it('loses nothing when the server is too slow to answer in time: the late answer is still recorded once', async () => {
    // A copy of the plugin whose mcp_tool hooks give up after 1 s instead of 10 s.
    const plugin = temp(makeTempDir('plugin-slow'));
    for (const item of ['.claude-plugin', 'dist', 'hooks', '.mcp.json']) fs.cpSync(path.join(PLUGIN_DIR, item), path.join(plugin, item), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(plugin, 'node_modules'));
    const hooksFile = path.join(plugin, 'hooks', 'hooks.json');
    fs.writeFileSync(hooksFile, fs.readFileSync(hooksFile, 'utf8').replaceAll('"tool": "hook", "timeout": 10', '"tool": "hook", "timeout": 1'));
    const wardenHome = temp(makeHome());
    let stopped: number | undefined;
    const stopServer = (): Reply => {
      stopped = announcedPid(wardenHome);
      if (stopped) process.kill(stopped, 'SIGSTOP');
      return bash('echo WHILE_STOPPED');
    };
    const resumeServer = (): Reply => {
      if (stopped) process.kill(stopped, 'SIGCONT');
      return { ...bash('echo RESUMED'), delayMs: 300 };
    };
    const model = await mock(conversation().main(bash('echo BEFORE'), stopServer, resumeServer, text('done')).script());

    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd: temp(makeProject()), pluginDirs: [plugin], wardenHome });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(stopped).toBeGreaterThan(0);
    const main = model.modelRequests().filter(isMainThread);
    expect(toolResults(main[2]!)[0]?.text).toBe('WHILE_STOPPED');
    const ids = main.flatMap((req) => (req.reply && 'content' in req.reply ? req.reply.content : [])).filter((b) => b.type === 'tool_use').map((b) => (b as { id: string }).id);
    const { tool, uids } = ledgerSession(wardenHome);
    for (const id of ids) expect(tool.filter((e) => e.kind === 'PreToolUse' && e.tool_use_id === id), id).toHaveLength(1);
    expect(new Set(uids).size).toBe(uids.length);
    // The command hook stood down (the stopped server still held its heartbeat): the late resident answer recorded it.
    expect(tool.find((e) => e.kind === 'PreToolUse' && e.tool_use_id === ids[1])?.source).toBe('mcp');
  });
});


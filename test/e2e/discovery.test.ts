/**
 * Extended agents stay reachable, with the real CLI: a dispatch naming an agent that lives only in
 * .claude/agents-extended runs through the proxy rewrite, and the discovery tools are offered to
 * the model and answer.
 */
import { openDatabase } from '../../src/ledger/driver';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, makeProject, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text, toolUse } from '../support/conversation';
import { firstUserText, isMainThread, messageText, isSubagent, toolNames, toolResults } from '../support/mock-model';
import { scratch } from '../support/scratch';

import { PLUGIN_DIR } from '../support/warden';
const TOOL_PREFIX = 'mcp__plugin_agent-warden_warden__';

const DB_TUNER = `---
name: db-tuner
description: Tunes slow SQL queries and indexes. Use for database performance work.
model: haiku
---
You are DBTUNER_BODY_91x, a database performance specialist. Always read the query plan first.
`;

const { temp, mock } = scratch();

function dispatchRows(wardenHome: string): Array<Record<string, unknown>> {
  const db = openDatabase(path.join(wardenHome, 'ledger.db'), { readonly: true });
  try {
    return db.prepare('SELECT agent_type, requested_type, via_proxy, status FROM dispatches').all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

function subagentToolEvents(wardenHome: string): Array<Record<string, unknown>> {
  const db = openDatabase(path.join(wardenHome, 'ledger.db'), { readonly: true });
  try {
    return db.prepare(`SELECT kind, source FROM events WHERE agent_id IS NOT NULL AND kind IN ('PreToolUse', 'PostToolUse', 'PostToolUseFailure')`).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

describe('proxy dispatch of an extended agent', () => {
  it('runs the call as general-purpose with the agent prompt first, and records it under the agent name', async () => {
    const model = await mock(
      conversation()
        .main(dispatch({ subagent_type: 'db-tuner', prompt: 'TUNE_TASK: speed up the orders query' }), text('All done.'))
        .subagent('TUNE_TASK', bash('echo SUB_CALL'), text('TUNED_REPORT'))
        .script(),
    );
    const wardenHome = temp(makeHome());
    const cwd = temp(makeProject({ files: { '.claude/agents-extended/db-tuner.md': DB_TUNER } }));

    const run = await runClaude({ prompt: 'tune it', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });

    expect(run.exitCode, run.stderr).toBe(0);
    const [first] = model.modelRequests().filter(isSubagent);
    expect(first, 'the subagent ran').toBeDefined();
    const prompt = firstUserText(first!);
    expect(prompt).toContain('DBTUNER_BODY_91x');
    expect(prompt.indexOf('DBTUNER_BODY_91x')).toBeLessThan(prompt.indexOf('TUNE_TASK'));
    expect(first!.body.model).toMatch(/haiku/);
    const main = model.modelRequests().filter(isMainThread);
    expect(toolResults(main[1]!)[0]?.text).toContain('TUNED_REPORT');
    expect(run.result?.subagent_stats.by_type).toEqual({ 'general-purpose': 1 });
    expect(dispatchRows(wardenHome)).toEqual([expect.objectContaining({ agent_type: 'db-tuner', requested_type: 'db-tuner', via_proxy: 1 })]);
    // The subagent's own tool call is answered by the resident server too, and recorded once.
    expect(subagentToolEvents(wardenHome)).toEqual([{ kind: 'PreToolUse', source: 'mcp' }]);
  });
});

describe('discovery tools', () => {
  it('are offered to the model, answer, refuse path-like names, and the session index points to them', async () => {
    const model = await mock(
      conversation()
        .main(
          toolUse(`${TOOL_PREFIX}discover_agents`, { query: 'slow SQL queries need better indexes', limit: 3 }),
          toolUse(`${TOOL_PREFIX}get_agent_spec`, { name: '../../etc/passwd' }),
          toolUse(`${TOOL_PREFIX}get_agent_spec`, { name: 'db-tuner' }),
          text('Found it.'),
        )
        .script(),
    );
    const cwd = temp(makeProject({ files: { '.claude/agents-extended/db-tuner.md': DB_TUNER } }));
    const run = await runClaude({
      prompt: 'which agent tunes databases?',
      modelUrl: model.url,
      home: temp(makeHome()),
      cwd,
      pluginDirs: [PLUGIN_DIR],
      wardenHome: temp(makeHome()),
      allowedTools: ['Bash', 'Agent', `${TOOL_PREFIX}discover_agents`, `${TOOL_PREFIX}get_agent_spec`],
    });

    expect(run.exitCode, run.stderr).toBe(0);
    const main = model.modelRequests().filter(isMainThread);
    expect(toolNames(main[0]!)).toEqual(expect.arrayContaining([`${TOOL_PREFIX}discover_agents`, `${TOOL_PREFIX}get_agent_spec`]));
    // 2.1.328 puts SessionStart context in a role "system" message of the first request.
    expect(main[0]!.body.messages.map(messageText).join('\n')).toContain(
      `SessionStart hook additional context: agent-warden: 1 more agent is installed but not listed. To use one, call ${TOOL_PREFIX}discover_agents`,
    );
    const [found] = toolResults(main[1]!);
    expect(found).toMatchObject({ isError: false });
    // The structured result is what Claude Code hands the model.
    expect(JSON.parse(found!.text).agents).toEqual([
      { name: 'db-tuner', description: 'Tunes slow SQL queries and indexes.', tier: 'extended', listing_tokens: expect.any(Number), score: expect.any(Number) },
    ]);
    expect(toolResults(main[2]!)[0]).toMatchObject({ isError: true, text: expect.stringContaining('cannot contain "/"') });
    expect(toolResults(main[3]!)[0]).toMatchObject({ isError: false, text: expect.stringContaining('DBTUNER_BODY_91x') });
    expect(fs.existsSync(cwd)).toBe(true);
  });
});

describe('/agent-warden:find', () => {
  it('injects the ranking for the user query into the turn', async () => {
    const model = await mock(conversation().main(text('Noted.')).script());
    const cwd = temp(makeProject({ files: { '.claude/agents-extended/db-tuner.md': DB_TUNER } }));

    const run = await runClaude({ prompt: '/agent-warden:find tune slow SQL', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome: temp(makeHome()) });

    expect(run.exitCode, run.stderr).toBe(0);
    const [first] = model.modelRequests().filter(isMainThread);
    expect(firstUserText(first!)).toMatch(/Agents that fit "tune slow SQL"[\s\S]*db-tuner\s+extended/);
  });

  it('takes a query with quotes and shell characters as plain text', async () => {
    const model = await mock(conversation().main(text('Noted.')).script());
    const cwd = temp(makeProject({ files: { '.claude/agents-extended/db-tuner.md': DB_TUNER } }));
    const canary = path.join(cwd, 'canary');

    const run = await runClaude({ prompt: `/agent-warden:find the DB's slow SQL $(touch ${canary}) "now"`, modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome: temp(makeHome()) });

    expect(run.exitCode, run.stderr).toBe(0);
    const [first] = model.modelRequests().filter(isMainThread);
    expect(firstUserText(first!)).toMatch(/db-tuner\s+extended/);
    expect(fs.existsSync(canary)).toBe(false);
  });
});


describe('did-you-mean after an unknown agent type', () => {
  it('Claude Code fails the dispatch, and the model is told the closest installed agents, extended ones included', async () => {
    const model = await mock(
      conversation()
        .main(dispatch({ subagent_type: 'sql-optimizer', description: 'Tune slow SQL queries', prompt: 'Speed up the orders query.' }), text('Retrying with the suggestion.'))
        .script(),
    );
    const cwd = temp(makeProject({ files: { '.claude/agents-extended/db-tuner.md': DB_TUNER } }));
    const run = await runClaude({ prompt: 'tune the orders query', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome: temp(makeHome()) });

    expect(run.exitCode, run.stderr).toBe(0);
    const main = model.modelRequests().filter(isMainThread);
    const [failed] = toolResults(main[1]!);
    expect(failed).toMatchObject({ isError: true, text: expect.stringContaining("Agent type 'sql-optimizer' not found") });
    expect(main[1]!.body.messages.map(messageText).join('\n')).toContain(
      'PostToolUseFailure:Agent hook additional context: agent-warden: no installed agent is named "sql-optimizer". Closest installed agents for this task: db-tuner [extended]',
    );
  });
});

/**
 * The resident path with the real CLI: the plugin's MCP server answers PreToolUse /
 * PostToolUseFailure through `mcp_tool` hooks while the command hook stands down, and when the
 * server is gone the command hook takes over. Either way every event is in the ledger once.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, makeProject, runClaude, type TempDir } from '../support/claude-cli';
import { bash, conversation, text } from '../support/conversation';
import { isMainThread, startMockModel, toolResults, type MockModel, type Script } from '../support/mock-model';

const REPO = path.resolve(__dirname, '../..');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const temp = (dir: TempDir) => (cleanups.push(dir.cleanup), dir.path);
async function mock(script: Script): Promise<MockModel> {
  const model = await startMockModel(script);
  cleanups.push(model.close);
  return model;
}

interface EventRow {
  kind: string;
  source: string;
  uid: string;
  tool_use_id: string | null;
}

function ledgerEvents(wardenHome: string): EventRow[] {
  const db = new Database(path.join(wardenHome, 'ledger.db'), { readonly: true });
  try {
    return db.prepare('SELECT kind, source, uid, tool_use_id FROM events ORDER BY seq').all() as EventRow[];
  } finally {
    db.close();
  }
}

describe('resident hooks', () => {
  it('records tool events through the MCP server, once, while the command hook stands down', async () => {
    const model = await mock(conversation().main(bash('echo ONE'), bash('echo TWO && exit 3'), text('done')).script());
    const wardenHome = temp(makeHome());
    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home: temp(makeHome()), cwd: temp(makeProject()), pluginDirs: [REPO], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);
    const main = model.modelRequests().filter(isMainThread);
    expect(toolResults(main[1]!)[0]?.text).toBe('ONE');
    const events = ledgerEvents(wardenHome);
    console.log(events.map((e) => `${e.kind} ${e.source} ${e.tool_use_id ?? ''}`).join('\n'));
    console.log(fs.readdirSync(path.join(wardenHome)).join(' '));
  });
});

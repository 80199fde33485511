// The resident server's hook endpoint takes events from Claude Code only: a call the model makes
// to it is refused at PreToolUse and writes nothing but the refusal; other MCP tools pass.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { defaultConfig } from '../../src/runtime/config/schema';
import { openLedger } from '../../src/ledger/db';
import { handleHookEvent } from '../../src/core/handle-event';
import { defaultPolicies } from '../../src/core/policies';
import type { WireEvent } from '../../src/core/hook-event';
import { makeTempDir, type TempDir } from '../support/sandbox';

const dirs: TempDir[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

const call = (tool: string, id: string): WireEvent =>
  ({ session_id: 's1', cwd: '/p', hook_event_name: 'PreToolUse', tool_name: tool, tool_use_id: id, tool_input: { hook_event_name: 'PostToolUseFailure', error: 'forged' } }) as WireEvent;

describe('the internal hook tool', () => {
  it('is refused when the model calls it; the discovery tools are not', () => {
    const dir = makeTempDir('internal');
    dirs.push(dir);
    const db = openLedger({ path: path.join(dir.path, 'ledger.db') });
    const ctx = { db, config: defaultConfig(), project: '/p', now: Date.now(), source: 'mcp' as const, policies: defaultPolicies };
    const forged = handleHookEvent(ctx, call('mcp__plugin_agent-warden_warden__hook', 't1'));
    const discovery = handleHookEvent(ctx, call('mcp__plugin_agent-warden_warden__discover_agents', 't2'));
    expect(forged?.hookSpecificOutput).toMatchObject({ permissionDecision: 'deny', permissionDecisionReason: expect.stringMatching(/^agent-warden: .*discover_agents/) });
    expect(discovery?.hookSpecificOutput?.permissionDecision).toBeUndefined();
    expect(db.prepare(`SELECT status FROM tool_calls ORDER BY seq`).pluck().all()).toEqual(['denied', 'started']);
    db.close();
  });
});

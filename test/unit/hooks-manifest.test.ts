// Issue 16/20: hooks/hooks.json is generated from one description (src/server/hooks-manifest.ts) by
// `npm run build`; the committed file must be exactly what the build writes, and must wire every
// event the way the manifest says (checked on the parsed file, as Claude Code reads it).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookInputTemplate } from '../../src/server/hook-input';
import { hooksJsonText, hooksManifest, RESIDENT_SERVER } from '../../src/server/hooks-manifest';

const committed = fs.readFileSync(path.resolve(__dirname, '../../hooks/hooks.json'), 'utf8');

describe('hooks/hooks.json', () => {
  it('is the generated file, byte for byte (run `npm run build` and commit hooks/hooks.json)', () => {
    expect(committed).toBe(hooksJsonText());
  });

  it('parses to the manifest: resident events pair the mcp_tool hook with the command fallback; session start and end go through the inbox script; subagent start and stop run the Node hook', () => {
    const parsed = JSON.parse(committed);
    expect(parsed).toEqual(hooksManifest());
    const kinds = (event: string) => parsed.hooks[event].flatMap((g: any) => g.hooks.map((h: any) => h.type));
    for (const event of ['UserPromptSubmit', 'PostToolUse', 'PostToolUseFailure', 'Stop']) {
      expect(kinds(event), event).toEqual(['mcp_tool', 'command']);
      const [mcp, fallback] = parsed.hooks[event][0].hooks;
      expect(mcp).toMatchObject({ server: RESIDENT_SERVER, tool: 'hook', input: hookInputTemplate() });
      expect(fallback.args[0]).toBe('${CLAUDE_PLUGIN_ROOT}/hooks/command-or-resident.sh');
      // Events whose answer is always empty fall back to the inbox.
      expect(fallback.args.slice(1), event).toEqual(['${CLAUDE_PLUGIN_ROOT}', 'inbox']);
    }
    // PreToolUse: the server for every tool; a fallback that can deny for dispatches, and one Claude
    // Code does not wait for on every other tool (issue 20).
    const pre = parsed.hooks.PreToolUse as Array<{ matcher: string; hooks: any[] }>;
    expect(pre.map((g) => g.matcher)).toEqual(['*', 'Agent|Task', '^(?!(Agent|Task)$)']);
    expect(pre[0]!.hooks).toEqual([expect.objectContaining({ type: 'mcp_tool', server: RESIDENT_SERVER, tool: 'hook', input: hookInputTemplate() })]);
    expect(pre[1]!.hooks).toEqual([{ type: 'command', command: 'sh', args: ['${CLAUDE_PLUGIN_ROOT}/hooks/command-or-resident.sh', '${CLAUDE_PLUGIN_ROOT}'], timeout: 10 }]);
    expect(pre[2]!.hooks).toEqual([{ type: 'command', command: 'sh', args: ['${CLAUDE_PLUGIN_ROOT}/hooks/command-or-resident.sh', '${CLAUDE_PLUGIN_ROOT}', 'async'], timeout: 10, async: true, asyncRewake: true }]);
    // The lookahead leaves out Agent and its legacy name Task (a regex matcher is tried on both), and only them.
    const plain = new RegExp(pre[2]!.matcher);
    for (const tool of ['Bash', 'Read', 'Agents', 'TaskStop', 'mcp__x__Agent']) expect(plain.test(tool), tool).toBe(true);
    for (const tool of ['Agent', 'Task']) expect(plain.test(tool), tool).toBe(false);
    for (const event of ['SubagentStart', 'SubagentStop']) expect(parsed.hooks[event][0].hooks[0].args).toContain('${CLAUDE_PLUGIN_ROOT}/dist/hook.cjs');
    expect(parsed.hooks.SessionStart[0].hooks).toEqual([{ type: 'command', command: 'sh', args: ['${CLAUDE_PLUGIN_ROOT}/hooks/session-event.sh', '${CLAUDE_PLUGIN_ROOT}', 'start'], timeout: 30 }]);
    expect(parsed.hooks.SessionEnd[0].hooks).toEqual([{ type: 'command', command: 'sh', args: ['${CLAUDE_PLUGIN_ROOT}/hooks/session-event.sh', '${CLAUDE_PLUGIN_ROOT}', 'end'], timeout: 2 }]);
  });
});

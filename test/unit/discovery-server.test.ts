import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendedIndex } from '../../src/core/discovery/session-index';
import { invalidAgentName } from '../../src/core/discovery/names';
import { countTokens } from '../../src/runtime/tokens/count';
import { discoverAgents, getAgentSpec } from '../../src/server/discovery-tools';
import { hookInputTemplate, rebuildPayload } from '../../src/server/hook-input';
import { CORPORA } from '../support/fixtures';

const CORPUS = path.join(CORPORA, 'VoltAgent__awesome-claude-code-subagents__6a82f08');
let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-disc-'));
  const ext = path.join(project, '.claude', 'agents-extended');
  fs.mkdirSync(ext, { recursive: true });
  for (const f of fs.readdirSync(CORPUS)) if (f.endsWith('.md')) fs.copyFileSync(path.join(CORPUS, f), path.join(ext, f));
  fs.mkdirSync(path.join(project, '.claude', 'agents'));
  fs.writeFileSync(path.join(project, '.claude', 'agents', 'core-one.md'), '---\nname: core-one\ndescription: Polishes zephyr widgets.\n---\nbody\n');
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('SessionStart index', () => {
  it('tells the count, the categories and the way in, within 150 tokens', () => {
    const text = extendedIndex(project)!;
    expect(text).toMatch(/^agent-warden: 129 more agents are installed but not listed \(by category: /);
    expect(text).toContain('infrastructure 15');
    expect(text).toContain('mcp__plugin_agent-warden_warden__discover_agents');
    expect(countTokens(text)).toBeLessThanOrEqual(150);
  });

  it('says nothing when there is no extended set', () => {
    expect(extendedIndex(path.join(project, 'nowhere'))).toBeUndefined();
  });
});

describe('discovery tools', () => {
  it('rank core and extended agents and refuse an empty query', () => {
    const found = discoverAgents(project, { query: 'kubernetes cluster autoscaling', limit: 2 });
    expect(found.isError).toBeUndefined();
    expect((found.structuredContent?.agents as Array<{ name: string }>)[0]).toMatchObject({ name: 'kubernetes-specialist', tier: 'extended', category: 'infrastructure' });
    expect(discoverAgents(project, { query: 'polish the zephyr widgets', limit: 1 }).structuredContent?.agents).toEqual([expect.objectContaining({ name: 'core-one', tier: 'core' })]);
    expect(discoverAgents(project, { query: '  ' })).toMatchObject({ isError: true });
  });

  it('return a full definition by exact name; path-like and unknown names are errors', () => {
    const spec = getAgentSpec(project, { name: 'terraform-engineer' });
    expect(spec.isError).toBeUndefined();
    expect(spec.content[0]!.text).toContain('name: terraform-engineer');
    expect(getAgentSpec(project, { name: '../../etc/passwd' })).toMatchObject({ isError: true });
    expect(getAgentSpec(project, { name: 'terraform' }).content[0]!.text).toMatch(/No agent is named "terraform"\. Close matches: terraform-engineer/);
    expect(invalidAgentName('a\\b')).toBeDefined();
    expect(invalidAgentName(42)).toBeDefined();
    expect(invalidAgentName('ok-name')).toBeUndefined();
  });
});

describe('mcp_tool hook input', () => {
  it('hooks.json forwards exactly the fields the server rebuilds', () => {
    const hooks = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../hooks/hooks.json'), 'utf8')).hooks;
    const inputs = Object.values(hooks).flatMap((groups: any) => groups.flatMap((g: any) => g.hooks)).filter((h: any) => h.type === 'mcp_tool');
    expect(inputs.length).toBeGreaterThanOrEqual(3);
    for (const h of inputs) {
      expect(h).toMatchObject({ server: 'plugin:agent-warden:warden', tool: 'hook' });
      expect(h.input).toEqual(hookInputTemplate());
    }
  });

  it('turns interpolated strings back into the payload, dropping fields Claude Code left empty', () => {
    const payload = rebuildPayload({
      hook_event_name: 'PostToolUseFailure',
      session_id: 's1',
      tool_name: 'Bash',
      tool_use_id: 't1',
      tool_input: '{"command":"exit 3"}',
      tool_response: 'plain text, not JSON',
      error: 'Exit code 3',
      is_interrupt: 'false',
      duration_ms: '7',
      agent_id: '',
    });
    expect(payload).toEqual({
      hook_event_name: 'PostToolUseFailure',
      session_id: 's1',
      tool_name: 'Bash',
      tool_use_id: 't1',
      tool_input: { command: 'exit 3' },
      tool_response: 'plain text, not JSON',
      error: 'Exit code 3',
      is_interrupt: false,
      duration_ms: 7,
    });
  });
});

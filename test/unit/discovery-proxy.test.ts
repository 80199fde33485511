import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyDispatchPolicy, proxyVerdict } from '../../src/core/discovery/proxy-policy';
import { findExtendedAgent } from '../../src/core/discovery/resolve';
import type { PreToolCall } from '../../src/core/policy/interface';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-proxy-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const agent = (name: string, extra = '') => `---\nname: ${name}\ndescription: Does ${name} things.\n${extra}---\nBODY_OF_${name}\n`;

const call = (project: string, subagentType: string | undefined, isDispatch = true): PreToolCall => ({
  sessionId: 's',
  project,
  agentId: '',
  toolName: isDispatch ? 'Agent' : 'Bash',
  toolInput: { prompt: 'THE_TASK', description: 'd', subagent_type: subagentType },
  toolUseId: 't',
  callKey: 'k',
  isDispatch,
  agentType: subagentType,
});

describe('findExtendedAgent', () => {
  it('finds an agent only in the extended set, also when its file is named differently', () => {
    const dir = project({
      '.claude/agents-extended/05-data__tuner-file.md': agent('db-tuner', 'model: haiku\n'),
      '.claude/agents-extended/other.md': agent('other'),
    });
    expect(findExtendedAgent(dir, 'db-tuner')).toMatchObject({ name: 'db-tuner', body: 'BODY_OF_db-tuner', model: 'haiku' });
  });

  it('leaves alone names Claude Code reaches itself, unknown names and path-like names', () => {
    const dir = project({
      '.claude/agents/both.md': agent('both'),
      '.claude/agents-extended/both.md': agent('both'),
      '.claude/agents-extended/Explore.md': agent('Explore'),
      '.claude/agents-extended/.agent-warden/state.md': agent('state'),
    });
    expect(findExtendedAgent(dir, 'both')).toBeUndefined();
    expect(findExtendedAgent(dir, 'Explore')).toBeUndefined();
    expect(findExtendedAgent(dir, 'missing')).toBeUndefined();
    expect(findExtendedAgent(dir, 'state')).toBeUndefined();
    expect(findExtendedAgent(dir, '../agents/both')).toBeUndefined();
  });
});

describe('proxy dispatch policy', () => {
  it('rewrites a dispatch of an extended agent to general-purpose, agent prompt first, and names it in the ledger', () => {
    const dir = project({ '.claude/agents-extended/db-tuner.md': agent('db-tuner', 'model: claude-sonnet-4-20250514\n') });
    const verdict = proxyDispatchPolicy({} as never, call(dir, 'db-tuner'));
    expect(verdict?.dispatch).toEqual({ via_proxy: true, agent_type: 'db-tuner' });
    expect(verdict?.updatedInput).toMatchObject({ subagent_type: 'general-purpose', description: 'd', model: 'sonnet' });
    const prompt = verdict?.updatedInput?.prompt as string;
    expect(prompt.indexOf('BODY_OF_db-tuner')).toBeGreaterThan(-1);
    expect(prompt.indexOf('BODY_OF_db-tuner')).toBeLessThan(prompt.indexOf('THE_TASK'));
  });

  it('does nothing for other tools, core agents and unset types', () => {
    const dir = project({ '.claude/agents-extended/db-tuner.md': agent('db-tuner') });
    expect(proxyDispatchPolicy({} as never, call(dir, 'db-tuner', false))).toBeUndefined();
    expect(proxyDispatchPolicy({} as never, call(dir, undefined))).toBeUndefined();
    expect(proxyDispatchPolicy({} as never, call(dir, 'general-purpose'))).toBeUndefined();
  });

  it('keeps the caller model and ignores inherit or unknown models', () => {
    const base = { name: 'x', file: 'f', body: 'B', description: 'd' };
    expect(proxyVerdict({ ...base, model: 'opus' }, { prompt: 'p', model: 'haiku' }).updatedInput?.model).toBe('haiku');
    expect(proxyVerdict({ ...base, model: 'inherit' }, { prompt: 'p' }).updatedInput).not.toHaveProperty('model');
    expect(proxyVerdict({ ...base, model: 'gpt-5' }, { prompt: 'p' }).updatedInput).not.toHaveProperty('model');
  });
});

// Issue 18: rolling windows with a model filter, the ask/downgrade actions, dispatch budgets read
// live from a subagent's transcript, spawn caps and the own-command exemption, driven through the
// core (`handleHookEvent` with the default policies) on a real SQLite file and real transcripts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { schemas, type Config, type ConfigInput } from '../../src/runtime/config/schema';
import { handleHookEvent, type HookOutput } from '../../src/core/handle-event';
import { isOwnCommand } from '../../src/core/own-commands';
import { defaultPolicies } from '../../src/core/policies';
import { parseHookInput } from '../../src/hooks/wire';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { appendEvent } from '../../src/ledger/events';
import { project } from '../../src/ledger/project';
import { rebuildProjections } from '../../src/ledger/rebuild';
import { listDispatches } from '../../src/ledger/read-dispatches';
import { makeTempDir, type TempDir } from '../support/sandbox';

const T0 = Date.parse('2026-06-10T12:00:00Z');
const HOUR = 3_600_000;

const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

class Ground {
  readonly db: Ledger;
  readonly config: Config;
  readonly dir: string;
  now = T0;
  private n = 0;

  constructor(config: ConfigInput) {
    const dir = makeTempDir('govern');
    cleanups.push(dir);
    this.dir = dir.path;
    this.config = schemas().configSchema.parse({ timezone: 'UTC', ...config });
    this.db = openLedger({ path: path.join(dir.path, 'ledger.db') });
  }

  transcript(session: string): string {
    const file = path.join(this.dir, `${session}.jsonl`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, '');
    return file;
  }

  /** An assistant message of `tokens` on `model`, `ago` ms before now, in a session's main transcript (or a subagent's). */
  bill(session: string, tokens: number, o: { model?: string; ago?: number; agentId?: string } = {}): void {
    let file = this.transcript(session);
    if (o.agentId) {
      const dir = path.join(this.dir, session, 'subagents');
      fs.mkdirSync(dir, { recursive: true });
      file = path.join(dir, `agent-${o.agentId}.jsonl`);
    }
    const ts = new Date(this.now - (o.ago ?? 0)).toISOString();
    const line = { type: 'assistant', timestamp: ts, message: { id: `msg_${++this.n}`, model: o.model ?? 'claude-sonnet-5-5', role: 'assistant', content: [], usage: { input_tokens: tokens, output_tokens: 0 } } };
    fs.appendFileSync(file, JSON.stringify(line) + '\n');
  }

  send(session: string, payload: Record<string, unknown>): HookOutput | undefined {
    this.now += 1000;
    const parsed = parseHookInput(JSON.stringify({ session_id: session, cwd: '/p', transcript_path: this.transcript(session), ...payload }));
    if (!parsed.ok) throw new Error(parsed.reason);
    return handleHookEvent({ db: this.db, config: this.config, project: '/p', now: this.now, source: 'command', policies: defaultPolicies }, parsed.event);
  }

  dispatch(session: string, o: { agentId?: string; id?: string; background?: boolean } = {}) {
    return this.send(session, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Agent',
      tool_use_id: o.id ?? `toolu_d${++this.n}`,
      tool_input: { subagent_type: 'worker', prompt: 'go', description: 'job', run_in_background: o.background ?? true },
      ...(o.agentId ? { agent_id: o.agentId, agent_type: 'worker' } : {}),
    });
  }

  bash(session: string, command: string, agentId?: string) {
    return this.send(session, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: `toolu_b${++this.n}`, tool_input: { command }, ...(agentId ? { agent_id: agentId, agent_type: 'worker' } : {}) });
  }
}

const decisionOf = (out: HookOutput | undefined) => out?.hookSpecificOutput?.permissionDecision as string | undefined;
const reasonOf = (out: HookOutput | undefined) => String(out?.hookSpecificOutput?.permissionDecisionReason ?? '');

describe('rolling windows', () => {
  it('a 5h budget counts the last five hours only, across sessions; its message says when the oldest spend ages out', () => {
    const g = new Ground({ budgets: [{ scope: '5h', limit_tokens: 1000 }] });
    g.bill('s-old', 5000, { ago: 6 * HOUR });
    expect(decisionOf(g.dispatch('s-old'))).toBeUndefined();
    g.bill('s-1', 1200, { ago: 2 * HOUR });
    expect(decisionOf(g.dispatch('s-1'))).toBe('deny');
    const out = g.dispatch('s-2');
    expect(decisionOf(out)).toBe('deny');
    expect(reasonOf(out)).toMatch(/the 5h budget is spent: 1,200 tokens of 1,000 tokens used .*rolling 5h window: the oldest spend in it ages out 2026-06-10 15:00 UTC \(in 2 h 59 min\)/);
    g.now += 3 * HOUR; // the 1,200 tokens age out
    expect(decisionOf(g.dispatch('s-2'))).toBeUndefined();
  });

  it('a 7d budget with a model filter counts only that family (prefix or glob)', () => {
    for (const model of ['opus', '*opus*', 'claude-opus-5']) {
      const g = new Ground({ budgets: [{ scope: '7d', limit_tokens: 1000, model }] });
      g.bill('s-1', 5000, { model: 'claude-sonnet-5-5' });
      g.bill('s-1', 800, { model: 'claude-opus-5-5', ago: 6 * 24 * HOUR });
      g.bill('s-1', 9000, { model: 'claude-opus-5-5', ago: 8 * 24 * HOUR });
      expect(decisionOf(g.dispatch('s-1')), model).toBeUndefined();
      g.bill('s-1', 300, { model: 'claude-opus-5-5' });
      const out = g.dispatch('s-1');
      expect(decisionOf(out), model).toBe('deny');
      expect(reasonOf(out)).toContain(`7d budget on ${model} models is spent: 1,100 tokens of 1,000 tokens`);
    }
  });
});

describe('budget actions', () => {
  it('ask: the user is asked with the predicted tokens; downgrade: the dispatch is rewritten to the cheaper model and the model told', () => {
    const ask = new Ground({ budgets: [{ scope: 'session', limit_tokens: 10_000, action: 'ask' }], budget: { default_dispatch_tokens: 20_000 } });
    const asked = ask.dispatch('s-1');
    expect(decisionOf(asked)).toBe('ask');
    expect(reasonOf(asked)).toMatch(/^agent-warden: this worker dispatch is predicted to bill about 20,000 tokens; the session budget would be overrun: .*Allow it anyway\?$/);
    expect(listDispatches(ask.db, { sessionId: 's-1' })[0]).toMatchObject({ governance: 'asked' });

    const down = new Ground({ budgets: [{ scope: 'session', limit_tokens: 10_000, action: 'downgrade' }], budget: { default_dispatch_tokens: 20_000 } });
    const out = down.dispatch('s-1');
    expect(decisionOf(out)).toBeUndefined();
    expect(out?.hookSpecificOutput?.updatedInput).toMatchObject({ subagent_type: 'worker', prompt: 'go', model: 'haiku' });
    expect(out?.hookSpecificOutput?.additionalContext).toMatch(/runs on the cheaper model "haiku" instead/);
    expect(listDispatches(down.db, { sessionId: 's-1' })[0]).toMatchObject({ governance: 'downgraded' });
  });
});

describe('dispatch budgets', () => {
  it("stop a subagent once its own transcript has spent the budget, read incrementally; the main thread and other subagents go on", () => {
    const g = new Ground({ budgets: [{ scope: 'dispatch', limit_tokens: 4000 }] });
    g.bill('s-1', 50_000); // the main thread's spend is not the dispatch's
    expect(decisionOf(g.dispatch('s-1'))).toBeUndefined();
    const verdicts: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      g.bill('s-1', 1300, { agentId: 'a1' });
      verdicts.push(decisionOf(g.bash('s-1', `echo ${i}`, 'a1')));
    }
    expect(verdicts).toEqual([undefined, undefined, undefined, 'deny', 'deny']);
    expect(reasonOf(g.bash('s-1', 'echo again', 'a1'))).toMatch(/this subagent has spent its dispatch budget of this dispatch: 6,500 tokens of 4,000 tokens used .*stop now and reply with your final report/);
    g.bill('s-1', 1300, { agentId: 'a2' });
    expect(decisionOf(g.bash('s-1', 'echo other', 'a2'))).toBeUndefined();
    expect(decisionOf(g.bash('s-1', 'echo main'))).toBeUndefined();
    // Each message counted once though the transcript was read at five calls, and the ledger rebuilds to the same.
    const total = () => (g.db.prepare("SELECT sum(total_tokens) AS t FROM usage WHERE agent_id = 'a1'").get() as { t: number }).t;
    expect(total()).toBe(6500);
    rebuildProjections(g.db, { pricing: g.config.pricing });
    expect(total()).toBe(6500);
  });
});

describe('spawn caps', () => {
  it('max_running counts running dispatches; an override lifts a cap for one session', () => {
    const g = new Ground({ spawn: { max_running: 2 } });
    expect(decisionOf(g.dispatch('s-1'))).toBeUndefined();
    expect(decisionOf(g.dispatch('s-1'))).toBeUndefined();
    const out = g.dispatch('s-1');
    expect(reasonOf(out)).toMatch(/^agent-warden: the spawn cap max_running allows 2 subagents running at once and 2 are running now\. .*agent-warden spawn override --session s-1 --cap max_running --add 2/);
    const ev = appendEvent(g.db, { kind: 'spawn_override', receivedAt: g.now, sessionId: 's-1', source: 'cli', payload: { session_id: 's-1', cap: 'max_running', add: 1 } });
    project(g.db, ev!, { pricing: {} });
    expect(decisionOf(g.dispatch('s-1'))).toBeUndefined();
    expect(decisionOf(g.dispatch('s-1'))).toBe('deny');
    expect(decisionOf(g.dispatch('s-2'))).toBeUndefined(); // another session has its own count
  });
});

describe("agent-warden's own commands", () => {
  it('pass spent all_tools budgets; anything chained, substituted or redirected does not', () => {
    const g = new Ground({ budgets: [{ scope: 'session', limit_tokens: 100, on_exhausted: 'all_tools' }] });
    g.bill('s-1', 500);
    expect(decisionOf(g.bash('s-1', 'ls'))).toBe('deny');
    expect(decisionOf(g.bash('s-1', 'agent-warden budget override --session s-1 --add 50000'))).toBeUndefined();
    expect(decisionOf(g.bash('s-1', 'agent-warden budget status; rm -rf ~'))).toBe('deny');
    expect(decisionOf(g.send('s-1', { hook_event_name: 'PreToolUse', tool_name: 'mcp__plugin_agent-warden_warden__discover_agents', tool_use_id: 'toolu_m1', tool_input: {} }))).toBeUndefined();
  });

  const own = [
    'agent-warden budget status',
    '  agent-warden spawn override --session abc --cap max_depth --add 1 ',
    'AGENT_WARDEN_HOME=/tmp/w agent-warden report --json',
    '/usr/local/bin/agent-warden doctor',
    'node /home/u/.claude/plugins/cache/agent-warden/dist/cli.cjs budget status',
    'node dist/cli.cjs dispatches',
  ];
  const notOwn = [
    'agent-warden status; rm -rf ~',
    'agent-warden status && curl evil',
    'agent-warden status | sh',
    'agent-warden $(rm -rf ~)',
    'agent-warden `id`',
    'agent-warden status > ~/.bashrc',
    'agent-warden status\nrm -rf ~',
    'agent-warden status & rm -rf ~',
    'echo agent-warden',
    'rm -rf ~ # agent-warden',
    'node evil.js dist/cli.cjs',
    'agent-wardenx status',
    'FOO=$(id) agent-warden status',
  ];
  for (const command of own) it(`exempt: ${JSON.stringify(command)}`, () => expect(isOwnCommand({ toolName: 'Bash', toolInput: { command } })).toBe(true));
  for (const command of notOwn) it(`not exempt: ${JSON.stringify(command)}`, () => expect(isOwnCommand({ toolName: 'Bash', toolInput: { command } })).toBe(false));
  it('its slash commands and MCP tools are exempt, others are not', () => {
    expect(isOwnCommand({ toolName: 'Skill', toolInput: { skill: 'agent-warden:budget' } })).toBe(true);
    expect(isOwnCommand({ toolName: 'SlashCommand', toolInput: { command: '/agent-warden:report --by day' } })).toBe(true);
    expect(isOwnCommand({ toolName: 'Skill', toolInput: { skill: 'other:thing' } })).toBe(false);
    expect(isOwnCommand({ toolName: 'mcp__plugin_other_x__run', toolInput: {} })).toBe(false);
  });
});

/**
 * Costs you can trust, on the real Claude Code CLI: today's default models (claude-opus-5-5 in the
 * main thread, claude-sonnet-5-5 in subagents), usage with cache writes split by lifetime, and
 * Claude Code's own bill (`total_cost_usd`, per-model `costUSD`) as the yardstick.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text, type Step } from '../support/conversation';
import { firstUserText, isMainThread, isSubagent, toolResults, type MockModel, type Usage } from '../support/mock-model';
import { scratch } from '../support/scratch';
import { cliJson, PLUGIN_DIR, REPO, runCli } from '../support/warden';

const MAIN_MODEL = 'claude-opus-5-5';
const SUB_MODEL = 'claude-sonnet-5-5';
const WORKER = { name: 'worker', description: 'Does small jobs.', tools: 'Bash', model: SUB_MODEL, body: 'You are a worker.' };
// Shaped like real replies: a little fresh input, a cache write split by lifetime, a large cache read.
const MAIN_USAGE: Usage = {
  input_tokens: 6,
  output_tokens: 180,
  cache_creation_input_tokens: 2400,
  cache_read_input_tokens: 14000,
  cache_creation: { ephemeral_5m_input_tokens: 1800, ephemeral_1h_input_tokens: 600 },
};
const SUB_USAGE: Usage = {
  input_tokens: 4,
  output_tokens: 420,
  cache_creation_input_tokens: 5200,
  cache_read_input_tokens: 9000,
  cache_creation: { ephemeral_5m_input_tokens: 5200, ephemeral_1h_input_tokens: 0 },
};
const HOOK_ERROR = 'PreToolUse:Agent hook error: agent-warden:';


const { temp, mock } = scratch();

function subagentSteps(marker: string): Step[] {
  return [{ ...bash(`echo ${marker}_RAN`), usage: SUB_USAGE }, text(`REPORT ${marker}`, SUB_USAGE)];
}

function jobs(n: number) {
  const names = Array.from({ length: n }, (_, i) => `JOB_${i + 1}`);
  let convo = conversation({ usage: MAIN_USAGE }).main(...names.map((job) => dispatch({ subagent_type: 'worker', prompt: `${job}: do it` })), text('All done.'));
  for (const job of names) convo = convo.subagent(job, ...subagentSteps(job));
  return convo.script();
}

async function runSession(model: MockModel, wardenHome: string, cwd: string) {
  const run = await runClaude({
    prompt: 'do the jobs',
    modelUrl: model.url,
    home: temp(makeHome()),
    cwd,
    pluginDirs: [PLUGIN_DIR],
    wardenHome,
    extraArgs: ['--model', MAIN_MODEL],
  });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.result, run.stdout).toBeDefined();
  return run.result!;
}

const within = (actual: number, expected: number, fraction: number) => Math.abs(actual - expected) <= fraction * expected;

describe('cost with the real CLI', () => {
  it("a session's cost_usd equals Claude Code's total_cost_usd within 1%, split into main thread and subagents", async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(makeProject({ agents: [WORKER] }));
    const model = await mock(jobs(2));

    const result = await runSession(model, wardenHome, cwd);

    // The models really were today's defaults, and Claude Code priced both.
    expect(Object.keys(result.modelUsage).sort()).toEqual([MAIN_MODEL, SUB_MODEL]);
    expect(model.modelRequests().filter(isSubagent).every((r) => r.body.model === SUB_MODEL)).toBe(true);
    const total = result.total_cost_usd as number;
    expect(total).toBeGreaterThan(0);

    const [session] = cliJson<any[]>(['sessions'], wardenHome).filter((s) => s.session_id === result.session_id);
    expect(session, 'the session is in the ledger').toBeDefined();
    expect(within(session.cost_usd, total, 0.01), `cost_usd ${session.cost_usd} vs Claude Code ${total}`).toBe(true);
    expect(session.main_cost_usd + session.subagent_cost_usd).toBeCloseTo(session.cost_usd, 6);
    // Subagents ran on Sonnet only and the main thread on Opus only: each side matches Claude Code's per-model bill.
    expect(within(session.subagent_cost_usd, result.modelUsage[SUB_MODEL]!.costUSD, 0.01)).toBe(true);
    expect(within(session.main_cost_usd, result.modelUsage[MAIN_MODEL]!.costUSD, 0.01)).toBe(true);
    expect(session.claude_code_cost_usd).toBeCloseTo(total, 6);

    // Sonnet 5.5 is in no price table: its rate is learned from Claude Code and shown as such.
    const pricing = cliJson<any>(['pricing'], wardenHome);
    const sonnet = pricing.models.find((m: any) => m.model === SUB_MODEL);
    expect(sonnet).toMatchObject({ source: 'learned', sessions: 1 });
    const shown = runCli(['pricing'], wardenHome);
    expect(shown.stdout).toMatch(new RegExp(`${SUB_MODEL}.*learned from Claude Code`));
    expect(session.cost_source).toBe('claude-code');

    // The next session's USD budget counts with what was learned: no estimate left to admit.
    const set = runCli(['budget', 'set', '--scope', 'day', '--usd', String(Math.floor(total * 100) / 100 || 0.01)], wardenHome, { cwd });
    expect(set.status, set.stderr).toBe(0);
    const next = await mock(jobs(1));
    await runSession(next, wardenHome, cwd);
    const denials = next.modelRequests().filter(isMainThread).flatMap(toolResults).filter((r) => r.text.startsWith(HOOK_ERROR)).map((r) => r.text);
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatch(/the day budget is spent/);
    expect(denials[0]).not.toMatch(/estimate/);
    expect(next.modelRequests().filter(isSubagent)).toHaveLength(0);
  });

  it('a limit_usd session budget fires on these models and tells the model why', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    // One main reply bills ~$0.02 and one subagent ~$0.04: $0.10 holds two or three dispatches, not six.
    const cwd = temp(makeProject({ agents: [WORKER], files: { '.claude/agent-warden.json': JSON.stringify({ budgets: [{ scope: 'session', limit_usd: 0.1 }] }) } }));
    const model = await mock(jobs(6));

    const result = await runSession(model, wardenHome, cwd);

    const ran = new Set(model.modelRequests().filter(isSubagent).map((r) => /JOB_\d/.exec(firstUserText(r))?.[0]));
    const denials = model.modelRequests().filter(isMainThread).flatMap(toolResults).filter((r) => r.text.startsWith(HOOK_ERROR)).map((r) => r.text);
    expect(ran.size).toBeGreaterThanOrEqual(1);
    expect(ran.size).toBeLessThan(6);
    expect(denials.length).toBe(6 - ran.size);
    // Spent, or so near the limit that the next dispatch is predicted to overrun it: which one comes
    // first depends on how many of the background subagents have finished (and billed) when the next
    // dispatch is decided. (The reply that makes the call is always counted: the hook waits for it,
    // test/integration/transcript-flush.test.ts.)
    expect(denials[0]).toMatch(/the session budget is spent: \$[\d.]+.* of \$0\.10|predicted to bill about [\d,]+ tokens .*which would overrun the session budget: \$[\d.]+ of \$0\.10/);
    // Sonnet 5.5 had no price yet (Claude Code writes its cost-state at the end): it counted at the family estimate, and the denial says so.
    expect(denials[0]).toMatch(/includes an estimate for [\d,]+ tokens of models without a known price/);
    // Claude Code's own bill agrees that the limit was reached, and the ledger's total is that bill.
    expect(result.total_cost_usd as number).toBeGreaterThanOrEqual(0.1);
    const [session] = cliJson<any[]>(['sessions'], wardenHome).filter((s) => s.session_id === result.session_id);
    expect(within(session.cost_usd, result.total_cost_usd as number, 0.01)).toBe(true);
    const [status] = cliJson<any[]>(['budget', 'status', '--session', result.session_id], wardenHome, { cwd });
    expect(status).toMatchObject({ budget: 'session', unit: 'usd', limit: 0.1 });
    expect(status.spent).toBeGreaterThanOrEqual(0.1);
  });
});

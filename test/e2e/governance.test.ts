/**
 * Governance with the real Claude Code CLI against the mock model (hooks run dist/hook.cjs):
 * spawn caps, a dispatch budget that stops a subagent while it runs, the downgrade action,
 * rolling 5-hour windows across sessions, and agent-warden's own commands never refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text, type Step } from '../support/conversation';
import { firstUserText, isMainThread, isSubagent, toolResults, type MockModel, type ModelRequest } from '../support/mock-model';
import { CLI, cliJson, PLUGIN_DIR, REPO, runCli } from '../support/warden';
import { scratch } from '../support/scratch';

const NESTER = { name: 'nester', description: 'Delegates further.', tools: 'Bash, Agent', body: 'You are a nester.' };
const WORKER = { name: 'worker', description: 'Does small jobs.', tools: 'Bash', body: 'You are a worker.' };
const MAIN_USAGE = { input_tokens: 10, output_tokens: 5 };
// Each API call of a budgeted subagent bills 1,300 tokens.
const STEP_USAGE = { input_tokens: 1250, output_tokens: 50 };


const { temp, mock } = scratch();

async function runSession(o: { model: MockModel; wardenHome: string; cwd: string; env?: Record<string, string | undefined> }) {
  const run = await runClaude({ prompt: 'do the jobs', modelUrl: o.model.url, home: temp(makeHome()), cwd: o.cwd, pluginDirs: [PLUGIN_DIR], wardenHome: o.wardenHome, env: o.env, timeoutMs: 120_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

/** Distinct subagents that reached the model, by the marker in their dispatch prompt. */
function subagentsRun(model: MockModel, re = /JOB_\w+/): string[] {
  const markers = model
    .modelRequests()
    .filter(isSubagent)
    .map((r) => re.exec(firstUserText(r))?.[0])
    .filter((m): m is string => Boolean(m));
  return [...new Set(markers)].sort();
}

/** Every tool result a thread's model was sent (each request repeats the history: deduplicated by id). */
function resultsSeen(requests: ModelRequest[]): { toolUseId: string; text: string }[] {
  const byId = new Map<string, string>();
  for (const r of requests) for (const t of toolResults(r)) byId.set(t.toolUseId, t.text);
  return [...byId].map(([toolUseId, text]) => ({ toolUseId, text }));
}

const writeUserConfig = (wardenHome: string, config: unknown) => fs.writeFileSync(path.join(wardenHome, 'config.json'), JSON.stringify(config));

describe('spawn caps with the real CLI', () => {
  it('max_depth 2 stops a chain of nested dispatches at depth 2', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    writeUserConfig(wardenHome, { spawn: { max_depth: 2 } });
    const cwd = temp(makeProject({ agents: [NESTER] }));
    const link = (n: number): Step[] => [dispatch({ subagent_type: 'nester', prompt: `CHAIN_${n + 1}: go deeper` }), text(`REPORT chain ${n}`)];
    const model = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(dispatch({ subagent_type: 'nester', prompt: 'CHAIN_1: go deeper' }), text('All done.'))
        .subagent('CHAIN_1', ...link(1))
        .subagent('CHAIN_2', ...link(2))
        .subagent('CHAIN_3', ...link(3))
        .script(),
    );

    const run = await runSession({ model, wardenHome, cwd });

    expect(subagentsRun(model, /CHAIN_\d/)).toEqual(['CHAIN_1', 'CHAIN_2']);
    const depth2 = model.modelRequests().filter((r) => isSubagent(r) && firstUserText(r).includes('CHAIN_2'));
    const denial = resultsSeen(depth2).find((t) => t.text.includes('agent-warden:'));
    expect(denial?.text).toMatch(/PreToolUse:Agent hook error: agent-warden: the spawn cap max_depth allows dispatches nested 2 deep and this dispatch would be at depth 3/);
    expect(denial?.text).toMatch(/agent-warden spawn override --session \S+ --cap max_depth --add 1/);
    const rows = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed', 'denied']);
    expect(rows[2]).toMatchObject({ governance: 'denied' });
    expect(rows[2].governance_reason).toMatch(/spawn cap max_depth/);
  });

  it('max_per_session 4 lets exactly 4 of 8 subagents start; the denials name the cap and its override', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    writeUserConfig(wardenHome, { spawn: { max_per_session: 4 } });
    const cwd = temp(makeProject({ agents: [WORKER] }));
    const jobs = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `JOB_${i}`);
    let convo = conversation({ usage: MAIN_USAGE }).main(...jobs.map((job) => dispatch({ subagent_type: 'worker', prompt: `${job}: do it` })), text('All done.'));
    for (const job of jobs) convo = convo.subagent(job, bash(`echo ${job}_RAN`), text(`REPORT ${job}`));
    const model = await mock(convo.script());

    const run = await runSession({ model, wardenHome, cwd });

    expect(subagentsRun(model)).toEqual(['JOB_1', 'JOB_2', 'JOB_3', 'JOB_4']);
    const denials = resultsSeen(model.modelRequests().filter(isMainThread)).filter((t) => t.text.includes('agent-warden:'));
    expect(denials).toHaveLength(4);
    for (const d of denials) expect(d.text).toMatch(/spawn cap max_per_session allows 4 subagents per session and this session has started 4\b.*agent-warden spawn override --session \S+ --cap max_per_session --add 4/);
    const [cap] = cliJson<any[]>(['budget', 'status', '--session', run.result!.session_id], wardenHome, { cwd }).filter((r) => r.scope === 'spawn');
    expect(cap).toMatchObject({ budget: 'spawn.max_per_session', spent: 4, limit: 4 });
  });
});

describe('a dispatch budget stops a running subagent', () => {
  for (const background of [false, true]) {
    it(`${background ? 'background' : 'foreground'}: 4,000 tokens stop a subagent of ten ~1,300-token calls after at most 4, and its model is told why`, async () => {
      const wardenHome = temp(makeTempDir('warden'));
      writeUserConfig(wardenHome, { budgets: [{ scope: 'dispatch', limit_tokens: 4000 }] });
      const cwd = temp(makeProject({ agents: [WORKER] }));
      const steps: Step[] = [];
      for (let i = 1; i <= 10; i++) steps.push({ ...bash(`echo STEP_${i}_RAN`), usage: STEP_USAGE });
      steps.push(text('REPORT partial', STEP_USAGE));
      const model = await mock(
        conversation({ usage: MAIN_USAGE, fallback: text('REPORT stopped as told', STEP_USAGE) })
          .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_LONG: ten steps', run_in_background: background }), text('Waiting.'), text('All done.'))
          .subagent('JOB_LONG', ...steps)
          .script(),
      );

      const run = await runSession({ model, wardenHome, cwd });

      const sub = model.modelRequests().filter((r) => isSubagent(r) && firstUserText(r).includes('JOB_LONG'));
      const results = resultsSeen(sub);
      const ran = results.filter((t) => /^STEP_\d+_RAN/.test(t.text.trim()));
      expect(ran.length).toBeGreaterThanOrEqual(1);
      expect(ran.length).toBeLessThanOrEqual(4);
      const stop = results.find((t) => t.text.includes('agent-warden:'));
      expect(stop?.text).toMatch(/hook error: agent-warden: this subagent has spent its dispatch budget of this dispatch: [\d,]+ tokens of 4,000 tokens used/);
      expect(stop?.text).toMatch(/stop now and reply with your final report/);
      // The main thread is untouched: it never got a warden denial.
      expect(resultsSeen(model.modelRequests().filter(isMainThread)).filter((t) => t.text.includes('agent-warden:'))).toEqual([]);
      const [row] = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
      expect(row.background).toBe(background);
      expect(row.tool_use_count).toBeLessThanOrEqual(10);
    });
  }
});

describe('budget actions and rolling windows', () => {
  it('downgrade: a dispatch predicted over its budget runs, on a Haiku model, and the main model is told', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    writeUserConfig(wardenHome, {
      budgets: [{ scope: 'session', limit_tokens: 100_000, action: 'downgrade' }],
      budget: { default_dispatch_tokens: 500_000 },
    });
    const cwd = temp(makeProject({ agents: [WORKER] }));
    const model = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_BIG: expensive' }), text('All done.'))
        .subagent('JOB_BIG', bash('echo BIG_RAN'), text('REPORT big'))
        .script(),
    );

    const run = await runSession({ model, wardenHome, cwd });

    const sub = model.modelRequests().filter((r) => isSubagent(r) && firstUserText(r).includes('JOB_BIG'));
    expect(sub.length).toBeGreaterThanOrEqual(2);
    for (const r of sub) expect(r.body.model).toMatch(/haiku/i);
    const main = model.modelRequests().filter(isMainThread);
    expect(main.some((r) => JSON.stringify(r.body.messages).includes('runs on the cheaper model \\"haiku\\" instead'))).toBe(true);
    const [row] = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(row).toMatchObject({ status: 'completed', governance: 'downgraded' });
  });

  it("a 5h budget spent in one session stops the next session's dispatches", async () => {
    const wardenHome = temp(makeTempDir('warden'));
    writeUserConfig(wardenHome, { budgets: [{ scope: '5h', limit_tokens: 5000 }] });
    const cwd = temp(makeProject({ agents: [WORKER] }));
    const big = { input_tokens: 2900, output_tokens: 100 };
    const first = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_A: big job' }), text('First done.'))
        .subagent('JOB_A', { ...bash('echo A'), usage: big }, text('REPORT A', big))
        .script(),
    );
    await runSession({ model: first, wardenHome, cwd });
    expect(subagentsRun(first)).toEqual(['JOB_A']);

    const second = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_B: another' }), text('Second done.'))
        .subagent('JOB_B', bash('echo B'), text('REPORT B'))
        .script(),
    );
    const run = await runSession({ model: second, wardenHome, cwd });

    expect(subagentsRun(second)).toEqual([]);
    const [denial] = resultsSeen(second.modelRequests().filter(isMainThread)).filter((t) => t.text.includes('agent-warden:'));
    expect(denial?.text).toMatch(/the 5h budget is spent: [\d,]+ tokens of 5,000 tokens used/);
    expect(denial?.text).toMatch(/rolling 5h window: the oldest spend in it ages out \d{4}-\d\d-\d\d \d\d:\d\d /);
    const [status] = cliJson<any[]>(['budget', 'status', '--session', run.result!.session_id], wardenHome, { cwd });
    expect(status).toMatchObject({ budget: '5h', scope: '5h', limit: 5000 });
    expect(status.spent).toBeGreaterThanOrEqual(6000);
    expect(Date.parse(status.resets_at) - Date.now()).toBeGreaterThan(4 * 3_600_000); // the first session's spend ages out ~5 h from now
    const report = runCli(['report', '--all-projects'], wardenHome, { cwd });
    expect(report.stdout).toMatch(/limits \(now\)\n\s+5h\s+[\d,]+ of 5,000 \(\d+(\.\d)?%\), oldest spend ages out \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(report.stdout).toMatch(/dispatches stepped in on: 1 denied/);
    const listing = runCli(['dispatches', '--session', run.result!.session_id], wardenHome, { cwd });
    expect(listing.stdout).toMatch(/#\d+ denied: agent-warden: the 5h budget is spent/);
  });
});

describe("agent-warden's own commands", () => {
  it('with every budget spent and on_exhausted all_tools, the override command a denial names still runs through Bash', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    writeUserConfig(wardenHome, {
      budgets: [
        { scope: 'session', limit_tokens: 100, on_exhausted: 'all_tools' },
        { scope: '5h', limit_tokens: 100, on_exhausted: 'all_tools' },
      ],
    });
    const cwd = temp(makeProject({ agents: [WORKER] }));
    // `agent-warden` on PATH, as after `npm install -g agent-warden`.
    const bin = temp(makeTempDir('bin'));
    fs.writeFileSync(path.join(bin, 'agent-warden'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    let named = '';
    const model = await mock(
      conversation({ usage: { input_tokens: 500, output_tokens: 5 } })
        .main(
          bash('echo FIRST_CALL'),
          dispatch({ subagent_type: 'worker', prompt: 'JOB_X: anything' }),
          bash('agent-warden budget status; echo CHAINED'),
          (req) => {
            const denial = toolResults(req).find((t) => t.text.includes('agent-warden:'))?.text ?? '';
            named = /`([^`]*budget override [^`]+)`/.exec(denial)?.[1] ?? 'agent-warden budget override --missing';
            return bash(named);
          },
          text('Done.'),
        )
        .subagent('JOB_X', text('REPORT X'))
        .script(),
    );

    const run = await runSession({ model, wardenHome, cwd, env: { PATH: `${bin}:${process.env.PATH}` } });

    const results = resultsSeen(model.modelRequests().filter(isMainThread));
    // The first reply bills 505 tokens: its own call runs or is refused (depending on when the CLI
    // flushes its transcript); from then on even a plain Bash call is refused.
    expect(results[0]!.text).toMatch(/^FIRST_CALL|hook error: agent-warden: the (session|5h) budget is spent/);
    expect(results[1]!.text).toMatch(/hook error: agent-warden: the (session|5h) budget is spent/);
    // A command that merely starts with agent-warden but chains another is judged like any call.
    expect(results[2]!.text).toMatch(/hook error: agent-warden:/);
    // Exactly as printed: `[AGENT_WARDEN_HOME=…] node <plugin root>/dist/cli.cjs budget override …`.
    expect(named).toMatch(/^(AGENT_WARDEN_HOME=\S+ )?\S*node \S+\/dist\/cli\.cjs budget override --session \S+ --budget \S+ --add \d+$/);
    // The override itself ran (not refused) and was recorded.
    expect(results[3]!.text).not.toContain('hook error');
    expect(results[3]!.text).toContain('override recorded');
    const overrides = cliJson<any[]>(['events', '--session', run.result!.session_id], wardenHome).filter((e) => e.kind === 'budget_override');
    expect(overrides).toHaveLength(1);
  });
});

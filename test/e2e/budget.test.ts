/**
 * Budgets, enforced before work starts: the real Claude Code CLI against the mock model with the
 * agent-warden plugin loaded (hooks run dist/hook.cjs), and real concurrent hook processes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text, type Step } from '../support/conversation';
import { firstUserText, isMainThread, isSubagent, toolResults, type MockModel } from '../support/mock-model';
import { loadFixtureRun, WIRED } from '../support/fixtures';
import { cliJson, HOOK, PLUGIN_DIR, REPO, runCli, runHook, wardenEnv } from '../support/warden';
import { scratch } from '../support/scratch';
import { estimate } from '../../src/runtime/tokens/pricing';

const WORKER = { name: 'worker', description: 'Does small jobs.', tools: 'Bash', body: 'You are a worker.' };
const REVIEWER = { name: 'reviewer', description: 'Reviews code.', tools: 'Bash', body: 'You are a reviewer.' };
// Main-thread replies stay small so subagents dominate spend; a subagent's two replies bill 1,350 each.
const MAIN_USAGE = { input_tokens: 10, output_tokens: 5 };
const SUB_USAGE = { input_tokens: 1300, output_tokens: 50 };
const HOOK_ERROR = 'PreToolUse:Agent hook error: agent-warden:';

const { temp, mock, defer } = scratch();

/** A subagent that runs one command and reports: two replies, ~2,700 billed tokens. */
function subagentSteps(marker: string): Step[] {
  return [{ ...bash(`echo ${marker}_RAN`), usage: SUB_USAGE }, text(`REPORT ${marker}`, SUB_USAGE)];
}

async function runSession(o: { model: MockModel; wardenHome: string; cwd: string }) {
  const run = await runClaude({ prompt: 'do the jobs', modelUrl: o.model.url, home: temp(makeHome()), cwd: o.cwd, pluginDirs: [PLUGIN_DIR], wardenHome: o.wardenHome });
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

/** The hook errors the model received in place of a dispatch's result. */
function denialsSeen(model: MockModel): string[] {
  return model
    .modelRequests()
    .filter(isMainThread)
    .flatMap(toolResults)
    .filter((r) => r.text.startsWith(HOOK_ERROR))
    .map((r) => r.text);
}

/** Distinct subagents that actually reached the model, by their dispatch prompt marker. */
function subagentsRun(model: MockModel): string[] {
  const markers = model
    .modelRequests()
    .filter(isSubagent)
    .map((r) => /JOB_\w+/.exec(firstUserText(r))?.[0])
    .filter((m): m is string => Boolean(m));
  return [...new Set(markers)].sort();
}

describe('budgets with the real CLI', () => {
  it('a session budget lets at most three of six ~2,700-token dispatches run and tells the model why', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(makeProject({ agents: [WORKER], files: { '.claude/agent-warden.json': JSON.stringify({ budgets: [{ scope: 'session', limit_tokens: 6000 }] }) } }));
    const jobs = [1, 2, 3, 4, 5, 6].map((i) => `JOB_${i}`);
    let convo = conversation({ usage: MAIN_USAGE }).main(...jobs.map((job) => dispatch({ subagent_type: 'worker', prompt: `${job}: do it` })), text('All done.'));
    for (const job of jobs) convo = convo.subagent(job, ...subagentSteps(job));
    const model = await mock(convo.script());

    const run = await runSession({ model, wardenHome, cwd });

    const ran = subagentsRun(model);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBeLessThanOrEqual(3);
    const denials = denialsSeen(model);
    expect(denials).toHaveLength(6 - ran.length);
    expect(denials[0]).toMatch(/session budget/);
    expect(denials[0]).toMatch(/of 6,000 tokens/);
    expect(denials[0]).toMatch(/budget override --session \S+ --budget session --add \d+/);

    const rows = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(rows.map((r) => r.status).sort()).toEqual([...Array(ran.length).fill('completed'), ...Array(6 - ran.length).fill('denied')].sort());
    expect(rows.filter((r) => r.status === 'completed').every((r) => r.total_tokens === 2700)).toBe(true);
    expect(rows.filter((r) => r.status === 'denied').every((r) => String(r.error).startsWith('agent-warden:'))).toBe(true);

    const [status] = cliJson<any[]>(['budget', 'status', '--session', run.result!.session_id], wardenHome, { cwd });
    expect(status).toMatchObject({ budget: 'session', unit: 'tokens', limit: 6000, resets_at: null });
    expect(status.spent).toBeLessThanOrEqual(6000);
    expect(status.spent).toBeGreaterThanOrEqual(2700 * ran.length);
  });

  it('a day budget spans sessions: the second session of the day is stopped when the first spent it', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    fs.writeFileSync(path.join(wardenHome, 'config.json'), JSON.stringify({ budgets: [{ scope: 'day', limit_tokens: 5000 }] }));
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
    expect(denialsSeen(first)).toEqual([]);

    const second = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_B: another' }), text('Second done.'))
        .subagent('JOB_B', ...subagentSteps('JOB_B'))
        .script(),
    );
    await runSession({ model: second, wardenHome, cwd });

    expect(subagentsRun(second)).toEqual([]);
    const [reason] = denialsSeen(second);
    expect(reason).toMatch(/the day budget is spent: [\d,]+ tokens of 5,000 tokens used/);
    expect(reason).toMatch(/it resets \d{4}-\d\d-\d\d 00:00 /);
  });

  it('an agent-type budget stops that type only', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(
      makeProject({
        agents: [WORKER, REVIEWER],
        files: { '.claude/agent-warden.json': JSON.stringify({ budgets: [{ scope: 'day', agent_type: 'reviewer', limit_tokens: 2000 }] }) },
      }),
    );
    const model = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(
          dispatch({ subagent_type: 'reviewer', prompt: 'JOB_R1: review' }),
          dispatch({ subagent_type: 'reviewer', prompt: 'JOB_R2: review again' }),
          dispatch({ subagent_type: 'worker', prompt: 'JOB_W1: work' }),
          text('Done.'),
        )
        .subagent('JOB_R1', ...subagentSteps('JOB_R1'))
        .subagent('JOB_R2', ...subagentSteps('JOB_R2'))
        .subagent('JOB_W1', ...subagentSteps('JOB_W1'))
        .script(),
    );

    const run = await runSession({ model, wardenHome, cwd });

    expect(subagentsRun(model)).toEqual(['JOB_R1', 'JOB_W1']);
    const denials = denialsSeen(model);
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatch(/day budget for reviewer dispatches is spent/);
    const rows = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(rows.map((r) => [r.agent_type, r.status])).toEqual([
      ['reviewer', 'completed'],
      ['reviewer', 'denied'],
      ['worker', 'completed'],
    ]);
  });
});

describe('concurrent PreToolUse hooks near the limit', () => {
  it('check and reservation are one transaction: parallel dispatches cannot all slip through', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const fixture = loadFixtureRun('hooks-dispatch');
    defer(fixture.cleanup);
    for (const p of fixture.payloads.filter((p) => WIRED.has(p.event.hook_event_name))) {
      expect(runHook(p.text, wardenHome, { env: { CLAUDE_PROJECT_DIR: undefined } }).status).toBe(0);
    }
    const history = cliJson<any[]>(['dispatches', '--agent', 'code-reviewer'], wardenHome).filter((r) => r.status === 'completed' && r.total_tokens > 0);
    expect(history.length).toBeGreaterThan(0);
    const prediction = median(history.map((r) => r.total_tokens));
    const limit = Math.floor(prediction * 3.5);
    fs.writeFileSync(path.join(wardenHome, 'config.json'), JSON.stringify({ budgets: [{ scope: 'session', limit_tokens: limit }] }));

    const session = 'concurrent-session-1';
    const cwd = temp(makeProject());
    const payload = (i: number) =>
      JSON.stringify({
        session_id: session,
        cwd,
        hook_event_name: 'PreToolUse',
        tool_name: 'Agent',
        tool_use_id: `toolu_par_${i}`,
        tool_input: { subagent_type: 'code-reviewer', prompt: `PAR_${i}: review`, description: 'review', run_in_background: true },
      });
    const outputs = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => hookProcess(payload(i), wardenHome)));

    const denied = outputs.filter((o) => o.includes('"permissionDecision":"deny"'));
    const allowed = outputs.length - denied.length;
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed * prediction).toBeLessThanOrEqual(limit);
    expect(allowed).toBe(3);
    for (const d of denied) expect(JSON.parse(d).hookSpecificOutput.permissionDecisionReason).toMatch(/^agent-warden: this code-reviewer dispatch is predicted to bill/);
    const rows = cliJson<any[]>(['dispatches', '--session', session], wardenHome);
    expect(rows.filter((r) => r.status === 'running')).toHaveLength(allowed);
    expect(rows.filter((r) => r.status === 'denied')).toHaveLength(8 - allowed);
  });
});

describe('config errors', () => {
  const cases: Array<{ name: string; file: string; expect: RegExp[] }> = [
    { name: 'unknown scope', file: JSON.stringify({ budgets: [{ scope: 'fortnight', limit_tokens: 1000 }] }), expect: [/budgets\[0\]\.scope: is "fortnight", which is not one of "session", "day", "week", "month", "dispatch", "5h", "7d"; this budget \(budgets\[0\]\) is ignored; every other budget is still enforced \(fix: use one of "session", "day", "week", "month", "dispatch", "5h", "7d"\)/] },
    { name: 'negative limit', file: JSON.stringify({ budgets: [{ scope: 'day', limit_tokens: -5 }] }), expect: [/budgets\[0\]\.limit_tokens: is -5, but it must be greater than 0; this budget \(budgets\[0\]\) is ignored; every other budget is still enforced \(fix: use a number greater than 0\)/] },
    { name: 'bad JSON', file: '{"budgets": [ {"scope": "day", ', expect: [/\(file\): is not valid JSON \(.*\) \(fix: fix the JSON syntax; every setting in this file is ignored until then\)/] },
  ];
  for (const c of cases) {
    it(`${c.name}: the message names the file, the key and the fix, and logging goes on`, () => {
      const wardenHome = temp(makeTempDir('warden'));
      const cwd = temp(makeProject({ files: { '.claude/agent-warden.json': c.file } }));
      const configFile = path.join(cwd, '.claude', 'agent-warden.json');
      const env = { CLAUDE_PROJECT_DIR: undefined };
      const start = runHook(JSON.stringify({ session_id: 'cfg-1', cwd, hook_event_name: 'SessionStart', source: 'startup' }), wardenHome, { env });
      const message = JSON.parse(start.stdout).systemMessage as string;
      expect(message).toContain(`${configFile}: `);
      for (const re of c.expect) expect(message).toMatch(re);
      const pre = runHook(
        JSON.stringify({ session_id: 'cfg-1', cwd, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_cfg', tool_input: { subagent_type: 'worker', prompt: 'x' } }),
        wardenHome,
        { env },
      );
      expect(pre.status).toBe(0);
      const kinds = cliJson<any[]>(['events', '--session', 'cfg-1'], wardenHome).map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['SessionStart', 'PreToolUse']));
      const status = runCli(['budget', 'status'], wardenHome, { cwd, env });
      expect(status.stderr).toContain(configFile);
    });
  }
});

describe('budget CLI', () => {
  it('set writes a validated budget, refuses a bad one, and override raises the limit for one session', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(makeProject());
    const env = { CLAUDE_PROJECT_DIR: undefined };
    expect(runCli(['budget', 'set', '--scope', 'session', '--tokens', '1000'], wardenHome, { cwd, env }).status).toBe(0);
    expect(runCli(['budget', 'set', '--scope', 'day', '--usd', '20', '--project-config'], wardenHome, { cwd, env }).status).toBe(0);
    const bad = runCli(['budget', 'set', '--scope', 'fortnight', '--tokens', '5'], wardenHome, { cwd, env });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/config\.json: budgets\[1\]\.scope: is "fortnight", which is not one of/);
    expect(JSON.parse(fs.readFileSync(path.join(wardenHome, 'config.json'), 'utf8'))).toEqual({ budgets: [{ scope: 'session', limit_tokens: 1000 }] });
    expect(JSON.parse(fs.readFileSync(path.join(cwd, '.claude', 'agent-warden.json'), 'utf8'))).toEqual({ budgets: [{ scope: 'day', limit_usd: 20 }] });

    // Spend 1,200 tokens in one session's main thread; the session budget (1,000) is spent.
    const transcript = path.join(cwd, 'main.jsonl');
    fs.writeFileSync(transcript, assistantLine('msg_1', 1200) + '\n');
    const pre = (id: string) =>
      runHook(JSON.stringify({ session_id: 'ovr-1', cwd, transcript_path: transcript, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: id, tool_input: { subagent_type: 'worker', prompt: 'x' } }), wardenHome, { env });
    expect(pre('toolu_1').stdout).toContain('"permissionDecision":"deny"');

    const ovr = runCli(['budget', 'override', '--session', 'ovr-1', '--add', '50000', '--note', 'test'], wardenHome, { cwd, env });
    expect(ovr.status, ovr.stderr).toBe(0);
    expect(pre('toolu_2').stdout).not.toContain('"permissionDecision":"deny"');
    const rows = cliJson<any[]>(['budget', 'status', '--session', 'ovr-1'], wardenHome, { cwd, env });
    expect(rows.find((r) => r.budget === 'session')).toMatchObject({ spent: 1200, limit: 51000, raised: 50000 });
    // The model in the transcript has no price: its tokens count at the estimate (the newest Opus), and say so.
    const opusInput = estimate('mystery-model-1').rates.input;
    expect(rows.find((r) => r.budget === 'day')).toMatchObject({ unit: 'usd', spent: Math.round(1200 * opusInput * 1e-6 * 10_000) / 10_000, lower_bound: false, estimated_tokens: 1200 });
    const statusText = runCli(['budget', 'status', '--session', 'ovr-1'], wardenHome, { cwd, env }).stdout;
    expect(statusText).toMatch(/day: 1,200 tokens are priced at an estimate/);
    // Every row forecasts: the day budget its spend at reset, the session budget (no reset) its burn rate.
    expect(statusText).toMatch(/^session .*\s[\d,]+\/h\s/m);
    expect(statusText).toMatch(/^day .*~\$\d/m);
    const overrides = cliJson<any[]>(['events', '--session', 'ovr-1'], wardenHome).filter((e) => e.kind === 'budget_override');
    expect(overrides).toHaveLength(1);
  });
});

function assistantLine(id: string, inputTokens: number, model = 'mystery-model-1'): string {
  return JSON.stringify({ type: 'assistant', timestamp: new Date().toISOString(), message: { id, model, role: 'assistant', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: inputTokens, output_tokens: 0 } } });
}

function hookProcess(input: string, wardenHome: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HOOK], { env: wardenEnv(wardenHome, { CLAUDE_PROJECT_DIR: undefined }), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => resolve(out));
    child.stdin.end(input);
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

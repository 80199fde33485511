/**
 * Configuration that fails loudly and narrowly, denials whose fix runs as printed, and the trust
 * model for a project's own config: the real Claude Code CLI against the mock model with the
 * plugin's fresh build loaded, the real hook and the real CLI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text, type Step } from '../support/conversation';
import { firstUserText, isMainThread, isSubagent, toolResults, type ModelRequest, type MockModel } from '../support/mock-model';
import { hookPayload } from '../support/hook-runner';
import { cliJson, PLUGIN_DIR, runCli, runHook } from '../support/warden';
import { scratch } from '../support/scratch';

const WORKER = { name: 'worker', description: 'Does small jobs.', tools: 'Bash', body: 'You are a worker.' };
const MAIN_USAGE = { input_tokens: 10, output_tokens: 5 };
const SUB_USAGE = { input_tokens: 1300, output_tokens: 50 };
const HOOK_ERROR = 'PreToolUse:Agent hook error: agent-warden:';

const { temp, mock } = scratch();

const subagentSteps = (marker: string): Step[] => [{ ...bash(`echo ${marker}_RAN`), usage: SUB_USAGE }, text(`REPORT ${marker}`, SUB_USAGE)];

function denialsSeen(model: MockModel): string[] {
  return model.modelRequests().filter(isMainThread).flatMap(toolResults).filter((r) => r.text.startsWith(HOOK_ERROR)).map((r) => r.text);
}

function subagentsRun(model: MockModel): string[] {
  const markers = model.modelRequests().filter(isSubagent).map((r) => /JOB_\w+/.exec(firstUserText(r))?.[0]).filter((m): m is string => Boolean(m));
  return [...new Set(markers)].sort();
}

async function runSession(model: MockModel, wardenHome: string, cwd: string) {
  const run = await runClaude({ prompt: 'do the jobs', modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

describe('config that fails loudly and narrowly (real CLI)', () => {
  it('an invalid budget beside a valid one: the valid one still stops dispatches, the model is told, doctor exits 1 naming the entry and the fix', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const settings = { budgets: [{ scope: 'sesion', limit_tokens: 1000 }, { scope: 'session', limit_tokens: 2000 }] };
    const cwd = temp(makeProject({ agents: [WORKER], files: { '.claude/agent-warden.json': JSON.stringify(settings) } }));
    const model = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_1: do it' }), dispatch({ subagent_type: 'worker', prompt: 'JOB_2: do it' }), text('Done.'))
        .subagent('JOB_1', ...subagentSteps('JOB_1'))
        .subagent('JOB_2', ...subagentSteps('JOB_2'))
        .script(),
    );

    await runSession(model, wardenHome, cwd);

    // The valid 2,000-token session budget holds: the first ~2,700-token dispatch spends it, the second is denied.
    expect(subagentsRun(model)).toEqual(['JOB_1']);
    const [denial] = denialsSeen(model);
    expect(denial).toMatch(/the session budget is spent/);
    // The model heard about the ignored budget at SessionStart, once, with the path and the did-you-mean.
    const told = model.modelRequests().filter(isMainThread).map((r) => JSON.stringify(r.body.messages)).filter((m) => m.includes('budgets[0].scope'));
    expect(told.length).toBeGreaterThan(0);
    expect(told[0]).toContain('did you mean \\"session\\"');
    const firstMain = JSON.stringify(model.modelRequests().filter(isMainThread)[0]!.body.messages);
    expect(firstMain.split('budgets[0].scope').length - 1, 'told once').toBe(1);

    const doctor = runCli(['doctor'], wardenHome, { cwd, env: { CLAUDE_PROJECT_DIR: cwd } });
    expect(doctor.status).toBe(1);
    const configLine = path.join(cwd, '.claude', 'agent-warden.json') + ': budgets[0].scope: is "sesion"';
    expect(doctor.stdout).toContain(configLine);
    expect(doctor.stdout).toContain('did you mean "session"?');
    expect(doctor.stdout).not.toContain('Invalid input');
    // Any other command says it on stderr too, and still answers.
    const status = runCli(['budget', 'status', '--json'], wardenHome, { cwd, env: { CLAUDE_PROJECT_DIR: cwd } });
    expect(status.status).toBe(0);
    expect(status.stderr).toContain(configLine);
    expect(JSON.parse(status.stdout).map((r: any) => r.limit)).toEqual([2000]);
  });

  it("a denial's command, run exactly as printed without agent-warden on PATH, lets the same session dispatch again", async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(makeProject({ agents: [WORKER], files: { '.claude/agent-warden.json': JSON.stringify({ budgets: [{ scope: 'session', limit_tokens: 2000 }] }) } }));
    let printed: string | undefined;
    let ran: ReturnType<typeof spawnSync> | undefined;
    const runTheFix = (req: ModelRequest) => {
      const reason = toolResults(req).find((r) => r.text.startsWith(HOOK_ERROR))?.text ?? '';
      printed = /`([^`]*budget override[^`]*)`/.exec(reason)?.[1];
      // A shell like the user's: no AGENT_WARDEN_HOME, no agent-warden on PATH.
      const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: temp(makeHome()) };
      if (printed) ran = spawnSync('sh', ['-c', printed], { cwd: temp(makeTempDir('elsewhere')), env, encoding: 'utf8' });
      return dispatch({ subagent_type: 'worker', prompt: 'JOB_3: once more' });
    };
    const model = await mock(
      conversation({ usage: MAIN_USAGE })
        .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_1: do it' }), dispatch({ subagent_type: 'worker', prompt: 'JOB_2: do it' }), runTheFix, text('Done.'))
        .subagent('JOB_1', ...subagentSteps('JOB_1'))
        .subagent('JOB_2', ...subagentSteps('JOB_2'))
        .subagent('JOB_3', ...subagentSteps('JOB_3'))
        .script(),
    );

    const run = await runSession(model, wardenHome, cwd);

    expect(denialsSeen(model)).toHaveLength(1);
    expect(printed).toBeDefined();
    expect(printed).toContain(`--session ${run.result!.session_id}`);
    expect(printed).toContain(`AGENT_WARDEN_HOME=${wardenHome}`);
    expect(printed).toMatch(/--budget session --add \d+/);
    expect(printed).not.toMatch(/<|>/);
    expect(ran?.status, String(ran?.stderr)).toBe(0);
    expect(denialsSeen(model)[0]).toContain(path.join(wardenHome, 'config.json'));
    expect(denialsSeen(model)[0]).not.toContain('~/.claude');
    // The same session dispatched again after the fix; JOB_2 stayed denied.
    expect(subagentsRun(model)).toEqual(['JOB_1', 'JOB_3']);
    const rows = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expect(rows.map((r) => r.status)).toEqual(['completed', 'denied', 'completed']);
  });
});

describe('a project config may only tighten the user config until the user trusts the project (real hook and CLI)', () => {
  const SECRET = 'PLAIN_MARKER_7f3a';

  function recordCall(home: string, project: string, session: string) {
    const payload = hookPayload('PreToolUse', { session, cwd: project, toolUseId: `tu-${session}` }, { tool_input: { command: `echo ${SECRET}`, description: 'say it' } });
    const ran = runHook(JSON.stringify(payload), home, { cwd: project, env: { CLAUDE_PROJECT_DIR: project } });
    expect(ran.status, ran.stderr).toBe(0);
    return cliJson<any[]>(['events', '--session', session], home, { cwd: project, env: { CLAUDE_PROJECT_DIR: project } }).filter((e) => e.kind === 'PreToolUse');
  }

  it('privacy "full" and breaker off in the project are ignored (with a notice) until `agent-warden trust`, and again after `trust --revoke`', () => {
    const home = temp(makeTempDir('warden'));
    const project = temp(makeProject({ files: { '.claude/agent-warden.json': JSON.stringify({ privacy: 'full', breaker: { enabled: false }, budgets: [{ scope: 'day', limit_tokens: 900000 }] }) } }));
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ privacy: 'metadata' }));

    const before = recordCall(home, project, 's-untrusted');
    expect(JSON.stringify(before)).not.toContain(SECRET);
    const notice = runCli(['budget', 'status', '--json'], home, { cwd: project, env: { CLAUDE_PROJECT_DIR: project } });
    expect(notice.stderr).toMatch(/agent-warden\.json: privacy: ignored: .*agent-warden trust --project/);
    expect(notice.stderr).toMatch(/breaker\.enabled: ignored/);
    // Tightening still applies: the project's budget is enforced.
    expect(JSON.parse(notice.stdout).map((r: any) => r.limit)).toEqual([900000]);

    const trust = runCli(['trust', '--project', project], home, { cwd: project });
    expect(trust.status, trust.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8'))).toMatchObject({ privacy: 'metadata', trusted_projects: [fs.realpathSync(project)] });
    const trusted = recordCall(home, project, 's-trusted');
    expect(JSON.stringify(trusted)).toContain(SECRET);
    expect(runCli(['budget', 'status'], home, { cwd: project, env: { CLAUDE_PROJECT_DIR: project } }).stderr).not.toContain('ignored');

    expect(runCli(['trust', '--revoke', '--project', project], home, { cwd: project }).status).toBe(0);
    expect(JSON.stringify(recordCall(home, project, 's-revoked'))).not.toContain(SECRET);
  });
});

describe('slash commands pass $ARGUMENTS to no shell (real CLI)', () => {
  for (const command of ['usage', 'failures']) {
    it(`/agent-warden:${command} takes its arguments as words: options work, $(…) and ; run nothing`, async () => {
      const cwd = temp(makeProject());
      const canary = path.join(cwd, 'canary');
      const model = await mock(conversation().main(text('Noted.')).script());
      const run = await runClaude({ prompt: `/agent-warden:${command} --since 7d $(touch ${canary}); touch ${canary}`, modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome: temp(makeHome()) });
      expect(run.exitCode, run.stderr).toBe(0);
      // The words reached the CLI as arguments (it refuses the stray ones), never a shell.
      expect(fs.existsSync(canary)).toBe(false);
    });
    it(`/agent-warden:${command} with plain options answers`, async () => {
      const cwd = temp(makeProject());
      const model = await mock(conversation().main(text('Noted.')).script());
      const run = await runClaude({ prompt: `/agent-warden:${command} --since 7d --all-projects`, modelUrl: model.url, home: temp(makeHome()), cwd, pluginDirs: [PLUGIN_DIR], wardenHome: temp(makeHome()) });
      expect(run.exitCode, run.stderr).toBe(0);
      const [first] = model.modelRequests().filter(isMainThread);
      expect(JSON.stringify(first!.body.messages)).toMatch(/No usage recorded yet|No failed, killed or denied dispatches/);
    });
  }
});

/**
 * Issue 19: the status line and window budgets, on the built artefacts (dist/statusline.cjs,
 * dist/cli.cjs, dist/hook.cjs) and the real Claude Code CLI against the mock model.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { conversation, dispatch, text } from '../support/conversation';
import { isMainThread, isSubagent, toolResults } from '../support/mock-model';
import { scratch } from '../support/scratch';
import { cliJson, PLUGIN_DIR, REPO, runCli, runHook, wardenEnv } from '../support/warden';

const STATUSLINE = path.join(REPO, 'dist', 'statusline.cjs');
const ADDON = path.join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const WORKER = { name: 'worker', description: 'Does small jobs.', tools: 'Bash', body: 'You are a worker.' };

beforeAll(() => {
  execFileSync(process.execPath, [path.join(REPO, 'scripts/build.mjs')], { cwd: REPO });
});

const { temp, mock } = scratch();

/** Claude Code's statusLine JSON for a session, the 5-hour window at `fiveHour` percent. */
function statusJson(sessionId: string, cwd: string, fiveHour: number, extra: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: path.join(cwd, 'none.jsonl'),
    cwd,
    model: { id: 'claude-opus-5-5', display_name: 'Opus' },
    workspace: { current_dir: cwd, project_dir: cwd },
    version: '2.1.328',
    cost: { total_cost_usd: 0.42, total_duration_ms: 1000 },
    rate_limits: { five_hour: { used_percentage: fiveHour, resets_at: now + 2 * 3600 + 600 }, seven_day: { used_percentage: 41, resets_at: now + 3 * 86400 } },
    ...extra,
  });
}

/** Runs a command the way Claude Code runs a statusLine command: through a shell, JSON on stdin. */
function asClaudeCodeWould(command: string, input: string, env: NodeJS.ProcessEnv) {
  return spawnSync('/bin/sh', ['-c', command], { input, env, encoding: 'utf8', timeout: 30_000 });
}

describe('window budgets and the status line with the real CLI', () => {
  it('with {"scope":"5h","limit_percent":80} and the window recorded at 85%, a new session is refused its dispatch and told why; the status line shows 85% and the spend', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    fs.writeFileSync(path.join(wardenHome, 'config.json'), JSON.stringify({ budgets: [{ scope: '5h', limit_percent: 80 }] }));
    const cwd = temp(makeProject({ agents: [WORKER] }));
    const env = wardenEnv(wardenHome);

    // An earlier session's status line reports the window at 85%: recorded as Claude Code would, by running the command.
    const recorded = spawnSync(process.execPath, [STATUSLINE], { input: statusJson('sess-earlier', cwd, 85), env, encoding: 'utf8' });
    expect(recorded.status).toBe(0);
    expect(recorded.stdout).toContain('5h 85%');

    // The headless CLI does not run statusLine itself (checked: a statusLine writing a marker never ran).
    const home = temp(makeHome());
    const marker = path.join(home, 'statusline-ran');
    fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(home, '.claude', 'settings.json'), JSON.stringify({ statusLine: { type: 'command', command: `cat > '${marker}'` } }));

    const model = await mock(
      conversation({ usage: { input_tokens: 1200, output_tokens: 34 } })
        .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_1: do it' }), text('Done without it.'))
        .subagent('JOB_1', text('REPORT JOB_1'))
        .script(),
    );
    const run = await runClaude({ prompt: 'do the job', modelUrl: model.url, home, cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);
    const sessionId = run.result!.session_id;
    expect(fs.existsSync(marker)).toBe(false);

    expect(model.modelRequests().filter(isSubagent)).toEqual([]);
    const denials = model
      .modelRequests()
      .filter(isMainThread)
      .flatMap(toolResults)
      .map((r) => r.text)
      .filter((t) => t.startsWith('PreToolUse:Agent hook error: agent-warden:'));
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatch(/Claude's 5-hour window stands at 85% \(limit 80%\); it resets \d{4}-\d\d-\d\d \d\d:\d\d \S+ \(in 2 h \d+ min\)/);
    const lift = /`(agent-warden windows lift --session \S+ --window 5h)`/.exec(denials[0]!)?.[1];
    expect(lift).toBe(`agent-warden windows lift --session ${sessionId} --window 5h`);
    const rows = cliJson<any[]>(['dispatches', '--session', sessionId], wardenHome);
    expect(rows.map((r) => r.status)).toEqual(['denied']);

    // Must show 1: the status line of that session shows 85% and its spend from the ledger.
    const [session] = cliJson<any[]>(['sessions'], wardenHome).filter((s) => s.session_id === sessionId);
    expect(session.main_tokens).toBeGreaterThan(0);
    const out = spawnSync(process.execPath, [STATUSLINE], { input: statusJson(sessionId, cwd, 85), env, encoding: 'utf8' });
    expect(out.status).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(out.stdout).toContain('85%');
    expect(out.stdout).toMatch(new RegExp(`${(session.main_tokens / 1000).toFixed(1).replace('.', '\\.')}k tok \\$\\d+\\.\\d+`));
    expect(out.stdout).not.toMatch(/\x1b\[/); // NO_COLOR: plain
    const viaCli = runCli(['statusline'], wardenHome, { env: {} });
    expect(viaCli.status).toBe(0);

    // The lift command, run as written, lets this session dispatch again (a PreToolUse through the real hook).
    const lifted = runCli(lift!.split(' ').slice(1), wardenHome);
    expect(lifted.status, lifted.stderr).toBe(0);
    const pre = (id: string, sid: string) =>
      JSON.stringify({ session_id: sid, transcript_path: path.join(cwd, 'x.jsonl'), cwd, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: { subagent_type: 'worker', prompt: 'again' }, tool_use_id: id });
    expect(runHook(pre('toolu_after_lift', sessionId), wardenHome, { cwd }).stdout).not.toContain('"deny"');
    expect(runHook(pre('toolu_other', 'sess-other'), wardenHome, { cwd }).stdout).toContain('"deny"');

    // budget status and windows show the history: peak and time at or above the limit.
    const w = cliJson<any>(['windows'], wardenHome, { cwd });
    expect(w.history.find((h: any) => h.window === '5h')).toMatchObject({ peak_percent: 85, limit_percent: 80 });
    expect(w.history.find((h: any) => h.window === '5h').ms_at_or_above_limit).toBeGreaterThan(0);
    const status = runCli(['budget', 'status'], wardenHome, { cwd });
    expect(status.stdout).toMatch(/5h\s.*85%.*80%/);
    const [windowRow] = cliJson<any[]>(['budget', 'status'], wardenHome, { cwd }).filter((r) => r.unit === 'percent');
    expect(windowRow).toMatchObject({ budget: '5h', percent: 85, limit: 80, peak_percent_7d: 85 });
    const report = runCli(['report', '--all-projects'], wardenHome, { cwd });
    expect(report.stdout).toMatch(/Claude's windows[\s\S]*5h\s.*85%.*80%/);
  }, 240_000);
});

describe('statusline install / uninstall', () => {
  function setup(settingsText: string | undefined) {
    const home = temp(makeTempDir('home'));
    const wardenHome = path.join(home, '.claude', 'agent-warden');
    fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
    const settings = path.join(home, '.claude', 'settings.json');
    if (settingsText !== undefined) fs.writeFileSync(settings, settingsText);
    const env = { HOME: home, AGENT_WARDEN_HOME: wardenHome, AGENT_WARDEN_NATIVE: ADDON, CLAUDE_CONFIG_DIR: undefined };
    return { home, wardenHome, settings, env };
  }

  it("keeps the user's own status line visible beside ours, and uninstall restores the file byte for byte", () => {
    const original = '{\n    "model": "opus",\n  "statusLine": {"type": "command", "command": "printf \'MY-PROMPT %s\' \\"$(cat | wc -c | tr -d \' \')\\""},\n "env": {"X": "1"}\n}\n';
    const { home, wardenHome, settings, env } = setup(original);

    const inst = runCli(['statusline', 'install'], wardenHome, { env });
    expect(inst.status, inst.stderr).toBe(0);
    const now = JSON.parse(fs.readFileSync(settings, 'utf8'));
    expect(now.model).toBe('opus');
    expect(now.env).toEqual({ X: '1' });
    expect(now.statusLine.command).toContain(path.join(wardenHome, 'statusline', 'statusline.sh'));

    const input = statusJson('sess-install', home, 85);
    const out = asClaudeCodeWould(now.statusLine.command, input, { ...wardenEnv(wardenHome, env), NO_COLOR: '1' });
    expect(out.status).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`MY-PROMPT ${Buffer.byteLength(input)}`); // theirs, with the same stdin
    expect(lines[1]).toMatch(/^warden .*5h 85%/);

    // Installing again changes nothing.
    const again = runCli(['statusline', 'install'], wardenHome, { env });
    expect(again.stderr).toMatch(/already installed/);

    const un = runCli(['statusline', 'uninstall'], wardenHome, { env });
    expect(un.status, un.stderr).toBe(0);
    expect(fs.readFileSync(settings, 'utf8')).toBe(original);
  });

  it('with no settings file, install creates one and uninstall removes it', () => {
    const { wardenHome, settings, env } = setup(undefined);
    expect(runCli(['statusline', 'install'], wardenHome, { env }).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(settings, 'utf8')).statusLine.type).toBe('command');
    expect(runCli(['statusline', 'uninstall'], wardenHome, { env }).status).toBe(0);
    expect(fs.existsSync(settings)).toBe(false);
  });

  it('never touches a settings file that is not valid JSON', () => {
    const broken = '{ "model": "opus", }\n';
    const { wardenHome, settings, env } = setup(broken);
    const r = runCli(['statusline', 'install'], wardenHome, { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/settings\.json is not valid JSON.*left untouched/);
    expect(fs.readFileSync(settings, 'utf8')).toBe(broken);
    expect(fs.existsSync(path.join(wardenHome, 'statusline', 'statusline.sh'))).toBe(false);
  });

  it('the launcher follows the plugin to its new directory after an update', () => {
    const { home, wardenHome, settings, env } = setup('{}');
    // Two plugin copies: install from the first, then the hook of the second (as after an update) records its root.
    const copy = (label: string) => {
      const root = temp(makeTempDir(label));
      fs.cpSync(path.join(REPO, 'dist'), path.join(root, 'dist'), { recursive: true });
      return root;
    };
    const v1 = copy('plugin-v1');
    const v2 = copy('plugin-v2');
    const inst = spawnSync(process.execPath, [path.join(v1, 'dist', 'cli.cjs'), 'statusline', 'install'], { env: wardenEnv(wardenHome, env), encoding: 'utf8' });
    expect(inst.status, inst.stderr).toBe(0);
    const start = JSON.stringify({ session_id: 'sess-upd', transcript_path: path.join(home, 'x.jsonl'), cwd: home, hook_event_name: 'SessionStart', source: 'startup' });
    const hook = spawnSync(process.execPath, [path.join(v2, 'dist', 'hook.cjs')], { input: start, env: wardenEnv(wardenHome, { ...env, CLAUDE_PLUGIN_ROOT: v2 }), encoding: 'utf8' });
    expect(hook.status).toBe(0);
    fs.rmSync(v1, { recursive: true, force: true }); // the old version is gone
    const command = JSON.parse(fs.readFileSync(settings, 'utf8')).statusLine.command;
    const out = asClaudeCodeWould(command, statusJson('sess-upd', home, 85), wardenEnv(wardenHome, env));
    expect(out.stdout).toMatch(/^warden .*5h 85%/);
  });
});

describe('the status line never fails', () => {
  it('prints a short fallback and exits 0 on input that is not JSON, and colours only when asked', () => {
    const wardenHome = temp(makeTempDir('warden'));
    const bad = spawnSync(process.execPath, [STATUSLINE], { input: '{not json', env: wardenEnv(wardenHome), encoding: 'utf8' });
    expect(bad.status).toBe(0);
    expect(bad.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stdout).toMatch(/^warden \(status unavailable/);
    const coloured = spawnSync(process.execPath, [STATUSLINE], { input: statusJson('sess-c', wardenHome, 85), env: wardenEnv(wardenHome, { NO_COLOR: undefined, FORCE_COLOR: '1' }), encoding: 'utf8' });
    expect(coloured.stdout).toMatch(/\x1b\[\d+m85%/);
  });
});

/**
 * The environment layer: AGENT_WARDEN_* variables override both config files, each is checked by
 * the config schema on its own, and a bad one is reported under its own name (doctor, every
 * command, the model at SessionStart). Real processes: the fresh build's CLI and hook.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookPayload } from '../support/hook-runner';
import { cliJson, runCli, runHook } from '../support/warden';

let root: string;
let seq = 0;

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-config-env-')));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A warden home with the user's config, and a project with its own. */
function setup(user: unknown, project?: unknown): { home: string; project: string } {
  const dir = path.join(root, `case-${++seq}`);
  const home = path.join(dir, 'warden');
  const projectDir = path.join(dir, 'project');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(path.join(projectDir, '.claude'), { recursive: true });
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(user));
  if (project !== undefined) fs.writeFileSync(path.join(projectDir, '.claude', 'agent-warden.json'), JSON.stringify(project));
  return { home, project: projectDir };
}

describe('AGENT_WARDEN_* variables', () => {
  it('override both files key by key; budgets add up; the settings in force say where they came from', () => {
    const { home, project } = setup(
      { privacy: 'full', breaker: { max_consecutive_failures: 3, cooldown_minutes: 20 }, budgets: [{ scope: 'day', limit_tokens: 1000 }] },
      { privacy: 'redacted', budgets: [{ scope: 'session', limit_tokens: 500 }] },
    );
    const env = {
      CLAUDE_PROJECT_DIR: project,
      AGENT_WARDEN_PRIVACY: 'metadata',
      AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES: '5',
      AGENT_WARDEN_BUDGETS: '[{"scope": "week", "limit_usd": 5}]',
      AGENT_WARDEN_TIMEZONE: 'Europe/Paris',
      AGENT_WARDEN_CORE__PINNED: '["reviewer"]',
      AGENT_WARDEN_SPAWN__MAX_DEPTH: '',
    };
    const shown = cliJson<any>(['config'], home, { cwd: project, env });
    expect(shown.problems).toEqual([]);
    expect(shown.settings.privacy).toBe('metadata');
    expect(shown.settings.breaker).toMatchObject({ max_consecutive_failures: 5, cooldown_minutes: 20 });
    expect(shown.settings.budgets.map((b: { scope: string }) => b.scope)).toEqual(['day', 'session', 'week']);
    expect(shown.settings.timezone).toBe('Europe/Paris');
    expect(shown.settings.core.pinned).toEqual(['reviewer']);
    // An empty variable counts as unset; AGENT_WARDEN_HOME (set by the harness) is not a setting.
    expect(shown.settings.spawn).toEqual({});
    expect(shown.variables).toEqual(['AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES', 'AGENT_WARDEN_BUDGETS', 'AGENT_WARDEN_CORE__PINNED', 'AGENT_WARDEN_PRIVACY', 'AGENT_WARDEN_TIMEZONE']);
    expect(shown.files).toEqual([path.join(home, 'config.json'), path.join(project, '.claude', 'agent-warden.json')]);

    // Without the variables, the files decide as before.
    const files = cliJson<any>(['config'], home, { cwd: project, env: { CLAUDE_PROJECT_DIR: project } });
    expect(files.settings.privacy).toBe('redacted');
    expect(files.settings.breaker.max_consecutive_failures).toBe(3);
    expect(files.variables).toEqual([]);
  });

  it('a bad variable is ignored on its own and named with its fix: doctor exits 1, every command warns, the file value applies', () => {
    const { home, project } = setup({ privacy: 'full', spawn: { max_depth: 3 } });
    const env = {
      CLAUDE_PROJECT_DIR: project,
      AGENT_WARDEN_PRIVACY: 'metdata',
      AGENT_WARDEN_SPAWN__MAX_DEPTH: '0',
      AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILUREZ: '2',
      AGENT_WARDEN_PRIVACYY: 'full',
      AGENT_WARDEN_CORE__PINNED: 'reviewer',
      AGENT_WARDEN_FAIL_CLOSED: 'true',
    };
    const doctor = runCli(['doctor'], home, { cwd: project, env });
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toContain(
      'environment variable AGENT_WARDEN_PRIVACY: privacy: is "metdata", which is not one of "full", "redacted", "metadata"; privacy is ignored (the config files\' value or the default applies); every other setting still applies (fix: did you mean "metadata"? Set AGENT_WARDEN_PRIVACY=metadata)',
    );
    expect(doctor.stdout).toContain('environment variable AGENT_WARDEN_SPAWN__MAX_DEPTH: spawn.max_depth: is 0, but it must be greater than 0');
    expect(doctor.stdout).toContain('(fix: did you mean AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES? Rename the variable)');
    expect(doctor.stdout).toContain('environment variable AGENT_WARDEN_PRIVACYY: privacyy: "privacyy" is not a setting agent-warden knows; it is ignored; every other setting still applies (fix: did you mean AGENT_WARDEN_PRIVACY? Rename the variable)');
    expect(doctor.stdout).toContain('environment variable AGENT_WARDEN_CORE__PINNED: core.pinned: is "reviewer" (a string), but it must be a list');
    expect(doctor.stdout).toContain('set AGENT_WARDEN_CORE__PINNED to a JSON list');
    expect(doctor.stdout).toMatch(/fix: edit the file\(s\) or environment variable\(s\) named above/);

    const sessions = runCli(['sessions'], home, { cwd: project, env });
    expect(sessions.status).toBe(0);
    expect(sessions.stderr).toMatch(/^agent-warden: config: environment variable AGENT_WARDEN_PRIVACY: privacy: /m);

    // Each variable stands alone: the valid one applies, the bad ones leave the file's values.
    const shown = cliJson<any>(['config'], home, { cwd: project, env });
    expect(shown.settings).toMatchObject({ privacy: 'full', fail_closed: true, spawn: { max_depth: 3 }, core: { pinned: [] } });
    expect(shown.variables).toEqual(['AGENT_WARDEN_FAIL_CLOSED']);
    expect(shown.problems.map((p: { file: string }) => p.file).sort()).toEqual(
      ['AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILUREZ', 'AGENT_WARDEN_CORE__PINNED', 'AGENT_WARDEN_PRIVACY', 'AGENT_WARDEN_PRIVACYY', 'AGENT_WARDEN_SPAWN__MAX_DEPTH'].map((v) => `environment variable ${v}`),
    );
  });

  it('the hook follows them: a breaker threshold set in the environment refuses the second identical failing call', () => {
    const { home, project } = setup({});
    const call = { tool_name: 'Bash', tool_input: { command: 'npm test -- --bail', description: 'run the tests' } };
    const tryTwice = (session: string, env: Record<string, string>) => {
      const s = (id: string) => ({ session, cwd: project, toolUseId: id });
      const all = { CLAUDE_PROJECT_DIR: project, ...env };
      for (const e of [hookPayload('SessionStart', s('x')), hookPayload('PreToolUse', s(`${session}-1`), call), hookPayload('PostToolUseFailure', s(`${session}-1`), { ...call, error: 'exit 1' })]) {
        expect(runHook(JSON.stringify(e), home, { cwd: project, env: all }).status).toBe(0);
      }
      const second = runHook(JSON.stringify(hookPayload('PreToolUse', s(`${session}-2`), call)), home, { cwd: project, env: all });
      expect(second.status).toBe(0);
      return second.stdout ? JSON.parse(second.stdout) : undefined;
    };
    // The default (3 failures) lets the second try through; the variable's 1 refuses it.
    expect(tryTwice('s-default', {})?.hookSpecificOutput?.permissionDecision).not.toBe('deny');
    const refused = tryTwice('s-env', { AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES: '1' });
    expect(refused?.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(String(refused.hookSpecificOutput.permissionDecisionReason)).toMatch(/^agent-warden:/);
  });

  it('the model is told at SessionStart about a bad variable, by name', () => {
    const { home, project } = setup({});
    const start = runHook(JSON.stringify(hookPayload('SessionStart', { session: 's-told', cwd: project, toolUseId: 'x' })), home, {
      cwd: project,
      env: { CLAUDE_PROJECT_DIR: project, AGENT_WARDEN_BREAKER__ENABLED: 'nope' },
    });
    expect(start.status).toBe(0);
    const out = JSON.parse(start.stdout);
    expect(out.hookSpecificOutput.additionalContext).toContain('environment variable AGENT_WARDEN_BREAKER__ENABLED: breaker.enabled: is "nope" (a string), but it must be true or false');
    expect(out.systemMessage).toContain('AGENT_WARDEN_BREAKER__ENABLED');
  });

  it("a variable the project's own Claude Code settings set is the project's: it may only tighten, until the project is trusted", () => {
    const { home, project } = setup({ privacy: 'full', breaker: { max_consecutive_failures: 3 } });
    // Claude Code applies a settings file's `env` block to every process of the session, hooks included.
    const fromRepo = { AGENT_WARDEN_BREAKER__ENABLED: 'false', AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES: '2', AGENT_WARDEN_PRIVACY: 'redacted' };
    fs.writeFileSync(path.join(project, '.claude', 'settings.json'), JSON.stringify({ env: fromRepo }));
    const env = { CLAUDE_PROJECT_DIR: project, ...fromRepo };

    const shown = cliJson<any>(['config'], home, { cwd: project, env });
    expect(shown.settings.breaker).toMatchObject({ enabled: true, max_consecutive_failures: 2 });
    expect(shown.settings.privacy).toBe('redacted');
    expect(shown.notices).toEqual([
      expect.objectContaining({ file: `${path.join(project, '.claude', 'settings.json')} (env)`, key: 'breaker.enabled', message: expect.stringContaining('agent-warden trust --project') }),
    ]);

    // A variable the repository does not set is the user's own (their shell's), even beside one it does.
    fs.writeFileSync(path.join(project, '.claude', 'settings.json'), JSON.stringify({ env: { AGENT_WARDEN_PRIVACY: 'redacted' } }));
    const mine = cliJson<any>(['config'], home, { cwd: project, env: { CLAUDE_PROJECT_DIR: project, AGENT_WARDEN_PRIVACY: 'redacted', AGENT_WARDEN_BREAKER__ENABLED: 'false' } });
    expect(mine.settings.breaker.enabled).toBe(false);
    expect(mine.notices).toEqual([]);
    fs.writeFileSync(path.join(project, '.claude', 'settings.json'), JSON.stringify({ env: fromRepo }));

    runCli(['trust', '--project', project], home, { cwd: project });
    const trusted = cliJson<any>(['config'], home, { cwd: project, env });
    expect(trusted.settings.breaker.enabled).toBe(false);
    expect(trusted.notices).toEqual([]);
  });

  it("a repository's settings cannot move the ledger: its AGENT_WARDEN_HOME is ignored and the user is told; the user's own settings can", () => {
    const dir = path.join(root, `case-${++seq}`);
    const userHome = path.join(dir, 'user');
    const elsewhere = path.join(dir, 'elsewhere');
    const project = path.join(dir, 'project');
    fs.mkdirSync(path.join(project, '.claude'), { recursive: true });
    fs.mkdirSync(path.join(userHome, '.claude'), { recursive: true });
    const settings = path.join(project, '.claude', 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ env: { AGENT_WARDEN_HOME: elsewhere } }));
    // As Claude Code runs the hook: the settings' env block applied, the user's HOME as it is.
    const env = { HOME: userHome, CLAUDE_PROJECT_DIR: project, CLAUDE_CONFIG_DIR: undefined };
    const start = runHook(JSON.stringify(hookPayload('SessionStart', { session: 's-moved', cwd: project, toolUseId: 'x' })), elsewhere, { cwd: project, env });
    expect(start.status).toBe(0);
    expect(JSON.parse(start.stdout).systemMessage).toContain(`${settings} (env): AGENT_WARDEN_HOME: a project cannot move the ledger (to ${elsewhere})`);
    const yours = path.join(userHome, '.claude', 'agent-warden');
    expect(fs.existsSync(path.join(elsewhere, 'ledger.db'))).toBe(false);
    const sessions = cliJson<any[]>(['sessions'], yours, { cwd: project, env: { HOME: userHome } });
    expect(sessions.map((s) => s.session_id)).toEqual(['s-moved']);

    // The same value in the user's own Claude Code settings is theirs: the ledger moves.
    fs.writeFileSync(path.join(userHome, '.claude', 'settings.json'), JSON.stringify({ env: { AGENT_WARDEN_HOME: elsewhere } }));
    const again = runHook(JSON.stringify(hookPayload('SessionStart', { session: 's-mine', cwd: project, toolUseId: 'x' })), elsewhere, { cwd: project, env });
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('cannot move the ledger');
    expect(cliJson<any[]>(['sessions'], elsewhere, { cwd: project, env: { HOME: userHome } }).map((s) => s.session_id)).toEqual(['s-mine']);
  });
});

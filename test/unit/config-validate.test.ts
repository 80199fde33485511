// Each setting and each list entry is checked on its own: a typo in one budget leaves every other
// budget in force, every problem is a sentence (path, value, fix), and a project's file may only
// tighten the user's until the project is trusted.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatNotice, formatProblem, loadConfig } from '../../src/runtime/config/load';
import { makeTempDir, type TempDir } from '../support/sandbox';

const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

function load(user: unknown, project?: unknown) {
  const dir = makeTempDir('config-validate');
  cleanups.push(dir);
  const userFile = path.join(dir.path, 'config.json');
  const projectDir = path.join(dir.path, 'project');
  fs.mkdirSync(path.join(projectDir, '.claude'), { recursive: true });
  fs.writeFileSync(userFile, JSON.stringify(user));
  if (project !== undefined) fs.writeFileSync(path.join(projectDir, '.claude', 'agent-warden.json'), JSON.stringify(project));
  return { ...loadConfig(projectDir, { userFile }), projectDir };
}

describe('config validation, entry by entry', () => {
  it('a typo in one budget drops that budget only, and says which, with the bad value and a did-you-mean', () => {
    const { config, problems } = load({ budgets: [{ scope: 'sesion', limit_tokens: 6000 }, { scope: 'session', limit_tokens: 6000 }, { scope: 'day', limit_usd: 5 }] });
    expect(config.budgets.map((b) => b.scope)).toEqual(['session', 'day']);
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0]!)).toMatch(/config\.json: budgets\[0\]\.scope: is "sesion", which is not one of "session", "day", "week", "month", "dispatch", "5h", "7d"; this budget \(budgets\[0\]\) is ignored; every other budget is still enforced \(fix: did you mean "session"\?/);
  });

  it('bad entries of other lists and bad single settings are dropped one by one; nothing says "Invalid input"', () => {
    const { config, problems } = load({
      privacy: 'redact',
      breaker: { exempt_tools: ['Bash', 7], max_consecutive_failures: 0, enabled: 'no' },
      core: { pinned: ['reviewer', null] },
      pricing: { good: { input: 1, output: 2 }, bad: { input: -1, output: 2 } },
      budgets: [{ scope: 'day', limit_tokens: 10, warn_at: 2 }, 'week', { scope: 'week', limit_tokens: 10 }],
      fail_closd: true,
    });
    expect(config.privacy).toBe('redacted'); // its default
    expect(config.breaker).toMatchObject({ exempt_tools: ['Bash'], max_consecutive_failures: 3, enabled: true });
    expect(config.core.pinned).toEqual(['reviewer']);
    expect(Object.keys(config.pricing)).toEqual(['good']);
    expect(config.budgets.map((b) => b.scope)).toEqual(['week']);
    const text = problems.map(formatProblem).join('\n');
    expect(text).not.toMatch(/Invalid input/);
    for (const key of ['privacy', 'breaker.exempt_tools[1]', 'breaker.max_consecutive_failures', 'breaker.enabled', 'core.pinned[1]', 'pricing.bad.input', 'budgets[0].warn_at', 'budgets[1]', 'fail_closd']) {
      expect(text, key).toContain(`config.json: ${key}: `);
    }
    expect(text).toContain('did you mean "redacted"?');
    expect(text).toContain('did you mean "fail_closed"?');
  });

  it('an untrusted project config may add budgets and tighten, never loosen; a trusted one may', () => {
    const user = { privacy: 'redacted', fail_closed: true, breaker: { max_consecutive_failures: 3, exempt_tools: ['Read'] }, budgets: [{ scope: 'day', limit_tokens: 1000 }] };
    const loosen = { privacy: 'full', fail_closed: false, pricing: { m: { input: 0, output: 0 } }, breaker: { enabled: false, max_consecutive_failures: 9, exempt_tools: ['Bash'] }, core: { auto: true }, budgets: [{ scope: 'session', limit_tokens: 50 }] };
    const untrusted = load(user, loosen);
    expect(untrusted.config).toMatchObject({ privacy: 'redacted', fail_closed: true, pricing: {}, breaker: { enabled: true, max_consecutive_failures: 3, exempt_tools: ['Read'] }, core: { auto: false } });
    expect(untrusted.config.budgets.map((b) => b.scope)).toEqual(['day', 'session']);
    expect(untrusted.notices.map((n) => n.key).sort()).toEqual(['breaker.enabled', 'breaker.exempt_tools', 'breaker.max_consecutive_failures', 'core.auto', 'fail_closed', 'pricing', 'privacy']);
    expect(formatNotice(untrusted.notices[0]!)).toContain(`agent-warden trust --project ${untrusted.projectDir}`);

    const tighten = load(user, { privacy: 'metadata', breaker: { max_consecutive_failures: 2, cooldown_minutes: 60 } });
    expect(tighten.notices).toEqual([]);
    expect(tighten.config).toMatchObject({ privacy: 'metadata', breaker: { max_consecutive_failures: 2, cooldown_minutes: 60 } });

    const dir = makeTempDir('config-trusted');
    cleanups.push(dir);
    const projectDir = path.join(dir.path, 'project');
    fs.mkdirSync(path.join(projectDir, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, '.claude', 'agent-warden.json'), JSON.stringify({ ...loosen, trusted_projects: ['/'] }));
    fs.writeFileSync(path.join(dir.path, 'config.json'), JSON.stringify({ ...user, trusted_projects: [projectDir] }));
    const trusted = loadConfig(projectDir, { userFile: path.join(dir.path, 'config.json') });
    expect(trusted.config).toMatchObject({ privacy: 'full', fail_closed: false, breaker: { enabled: false }, core: { auto: true } });
    // A project cannot trust anything itself.
    expect(trusted.notices.map((n) => n.key)).toEqual(['trusted_projects']);
  });

  it('spawn caps from a project may only be lower than yours (or set where you set none)', () => {
    const user = { spawn: { max_per_session: 8, max_depth: 2 } };
    const lower = load(user, { spawn: { max_per_session: 4, max_running: 2 } });
    expect(lower.notices).toEqual([]);
    expect(lower.config.spawn).toMatchObject({ max_per_session: 4, max_depth: 2, max_running: 2 });
    const higher = load(user, { spawn: { max_per_session: 500, max_depth: 5 } });
    expect(higher.config.spawn).toMatchObject({ max_per_session: 8, max_depth: 2 });
    expect(higher.notices.map((n) => n.key).sort()).toEqual(['spawn.max_depth', 'spawn.max_per_session']);
  });
});

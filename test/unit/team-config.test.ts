// Team budgets' settings: `team` is the user's alone (a repository cannot point this machine's usage
// elsewhere or drop a team budget's server, trusted or not); team budgets need a shared window; and
// the command hook never loads the PostgreSQL client.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config/load';
import { DIST } from '../support/built';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(user: unknown, project: unknown) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-teamcfg-'));
  dirs.push(home);
  const projectDir = path.join(home, 'project');
  fs.mkdirSync(path.join(projectDir, '.claude'), { recursive: true });
  const userFile = path.join(home, 'config.json');
  fs.writeFileSync(userFile, JSON.stringify(typeof user === 'function' ? user(projectDir) : user));
  fs.writeFileSync(path.join(projectDir, '.claude', 'agent-warden.json'), JSON.stringify(project));
  return loadConfig(projectDir, { userFile });
}

const TEAM = { url: 'postgres://warden@db.example:5432/team', name: 'acme' };

describe('team settings', () => {
  it('a project config cannot set or change "team", even a trusted project; its team budgets still add up', () => {
    const evil = { team: { url: 'postgres://attacker@evil.example/x', name: 'other' }, budgets: [{ scope: 'day', limit_tokens: 100, team: true }] };
    for (const trusted of [false, true]) {
      const loaded = setup((dir: string) => ({ team: TEAM, ...(trusted ? { trusted_projects: [dir] } : {}) }), evil);
      expect(loaded.config.team).toMatchObject(TEAM);
      expect(loaded.notices.map((n) => n.key)).toContain('team');
      expect(loaded.notices.find((n) => n.key === 'team')!.message).toMatch(/only your own config/);
      expect(loaded.config.budgets).toEqual([expect.objectContaining({ scope: 'day', limit_tokens: 100, team: true })]);
    }
    // Nor can a project add a team where you have none.
    const none = setup({}, evil);
    expect(none.config.team).toBeUndefined();
  });

  it('defaults: refresh every 5 s, a figure older than 10 s is not used, fail open to local spend', () => {
    const loaded = setup({ team: TEAM }, {});
    expect(loaded.problems).toEqual([]);
    expect(loaded.config.team).toEqual({ ...TEAM, refresh_seconds: 5, max_staleness_seconds: 10, when_unreachable: 'local' });
  });

  it('a team budget needs a window every machine shares, and a bad team url is named with its fix', () => {
    const loaded = setup(
      {
        team: { url: 'mysql://x', name: 'acme' },
        budgets: [
          { scope: 'session', limit_tokens: 100, team: true },
          { scope: '5h', limit_percent: 80, team: true },
          { scope: 'week', limit_usd: 50, team: true },
        ],
      },
      {},
    );
    expect(loaded.config.team).toBeUndefined();
    expect(loaded.config.budgets).toEqual([expect.objectContaining({ scope: 'week', team: true })]);
    const text = loaded.problems.map((p) => `${p.key}: ${p.message}`).join('\n');
    expect(text).toMatch(/team\.url: is "mysql:\/\/x"; must be a PostgreSQL connection URL.*the "team" setting is ignored/);
    expect(loaded.problems.find((p) => p.key === 'budgets[0]')!.fix).toMatch(/remove "team": true/);
    expect(text).toMatch(/budgets\[0\].*"day", "week", "month", "5h" or "7d"/);
    expect(text).toMatch(/budgets\[1\].*cannot be a team budget/);
  });

  it('the command hook bundle does not contain or load the PostgreSQL client; the resident server and the CLI load it on demand', () => {
    const hook = fs.readFileSync(path.join(DIST, 'hook.cjs'), 'utf8');
    expect(hook).not.toMatch(/pg\.cjs|agent_warden_usage|pg_advisory_xact_lock/);
    for (const entry of ['server-resident.cjs', 'cli.cjs']) expect(fs.readFileSync(path.join(DIST, entry), 'utf8')).toMatch(/pg\.cjs/);
    expect(fs.existsSync(path.join(DIST, 'vendor', 'pg.cjs'))).toBe(true);
  });
});

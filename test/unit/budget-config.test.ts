// The budget settings: the published JSON Schema matches the zod schema, and bad budgets are
// reported with file, key and fix while the other layer still applies.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem, loadConfig } from '../../src/runtime/config/load';
import { makeTempDir, type TempDir } from '../support/sandbox';

const REPO = path.resolve(__dirname, '../..');
const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

function files(user: unknown, projectFile: unknown): { userFile: string; project: string } {
  const dir = makeTempDir('budget-config');
  cleanups.push(dir);
  const userFile = path.join(dir.path, 'config.json');
  const project = path.join(dir.path, 'project');
  fs.mkdirSync(path.join(project, '.claude'), { recursive: true });
  fs.writeFileSync(userFile, typeof user === 'string' ? user : JSON.stringify(user));
  fs.writeFileSync(path.join(project, '.claude', 'agent-warden.json'), typeof projectFile === 'string' ? projectFile : JSON.stringify(projectFile));
  return { userFile, project };
}

describe('config schema', () => {
  it('schema/config.schema.json is generated from the zod schema and up to date', () => {
    const res = spawnSync(process.execPath, [path.join(REPO, 'scripts/gen-schema.mjs'), '--check'], { cwd: REPO, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema/config.schema.json'), 'utf8'));
    expect(schema.properties.budgets.items.properties.scope.enum).toEqual(['session', 'day', 'week', 'month', 'dispatch', '5h', '7d']);
  });

  it('budgets from both files add up; a broken project file is reported and ignored, the user file still applies', () => {
    const ok = files({ budgets: [{ scope: 'day', limit_usd: 20 }] }, { budgets: [{ scope: 'session', limit_tokens: 200000 }] });
    expect(loadConfig(ok.project, { userFile: ok.userFile }).config.budgets.map((b) => b.scope)).toEqual(['day', 'session']);

    const bad = files({ budgets: [{ scope: 'day', limit_usd: 20 }], timezone: 'Europe/Paris' }, { budgets: [{ scope: 'week', agent_type: 'code-reviewer' }], timezone: 'Mars/Olympus' });
    const { config, problems } = loadConfig(bad.project, { userFile: bad.userFile });
    expect(config.budgets).toHaveLength(1);
    expect(config.timezone).toBe('Europe/Paris');
    const text = problems.map(formatProblem);
    const projectFile = path.join(bad.project, '.claude', 'agent-warden.json');
    expect(text).toEqual(
      expect.arrayContaining([
        `${projectFile}: budgets[0]: a budget needs limit_tokens, limit_usd or (scopes 5h and 7d) limit_percent; this budget (budgets[0]) is ignored; every other budget is still enforced (fix: add "limit_tokens": <tokens> or "limit_usd": <dollars> to it)`,
        `${projectFile}: timezone: is "Mars/Olympus"; this system knows no time zone of that name; timezone is ignored (its default applies); every other setting still applies (fix: use an IANA name such as "Europe/Paris" or "America/New_York")`,
      ]),
    );
  });

  it('names an unknown budget key and how to find the right one', () => {
    const f = files({ budgets: [{ scope: 'day', limit_token: 5 }] }, {});
    const text = loadConfig(f.project, { userFile: f.userFile }).problems.map(formatProblem);
    expect(text.join('\n')).toContain('config.json: budgets[0].limit_token: "limit_token" is not a setting agent-warden knows inside budgets[0]; this budget (budgets[0]) is ignored; every other budget is still enforced (fix: did you mean "limit_tokens"? Rename the key)');
  });
});

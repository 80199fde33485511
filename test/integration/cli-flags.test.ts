/**
 * The flags commands share mean one thing everywhere: `--project <dir>` names a project by its
 * folder (relative folders too), `--since`, `--json` and `--csv` read the same in every command.
 * The fresh build's CLI as real processes, on a ledger the hook filled for two projects.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';
import { hookPayload } from '../support/hook-runner';
import { cliJson, runCli, runHook } from '../support/warden';

let root: string;
let home: string;
const project = (name: string) => path.join(root, name);

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-cli-flags-')));
  home = path.join(root, 'warden');
  for (const name of ['alpha', 'beta']) {
    fs.mkdirSync(path.join(project(name), '.claude'), { recursive: true });
    const s = (id: string) => ({ session: `sess-${name}`, cwd: project(name), toolUseId: id });
    for (const e of [
      hookPayload('SessionStart', s('x')),
      hookPayload('PreToolUse', s(`toolu_${name}`), { tool_name: 'Agent', tool_input: { subagent_type: `${name}-worker`, description: name, prompt: 'p' } }),
    ]) {
      expect(runHook(JSON.stringify(e), home, { cwd: project(name), env: { CLAUDE_PROJECT_DIR: project(name) } }).status).toBe(0);
    }
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function optionsOf(cmd: Command, flag: string): string[] {
  return cmd.commands.flatMap((sub) => [...sub.options.filter((o) => o.long === flag).map((o) => `${o.flags}: ${o.description}`), ...optionsOf(sub, flag)]);
}

describe('flags several commands take', () => {
  it('--project, --since, --json and --csv read the same in every command', () => {
    const program = buildProgram();
    for (const flag of ['--project', '--since', '--json', '--csv']) {
      const seen = optionsOf(program, flag);
      expect(seen.length, flag).toBeGreaterThan(1);
      expect(new Set(seen).size, `${flag}: ${[...new Set(seen)].join(' | ')}`).toBe(1);
    }
    expect(optionsOf(program, '--project')[0]).toMatch(/^--project <dir>: /);
  });

  it('--project names the same project, by a relative folder too, in listings, reports and the config', () => {
    const env = { CLAUDE_PROJECT_DIR: undefined };
    const opts = { cwd: root, env };
    expect(cliJson<any[]>(['sessions'], home, opts).map((s) => s.project).sort()).toEqual([project('alpha'), project('beta')]);
    expect(cliJson<any[]>(['sessions', '--project', 'alpha'], home, opts).map((s) => s.session_id)).toEqual(['sess-alpha']);
    expect(cliJson<any[]>(['dispatches', '--project', './beta/'], home, opts).map((d) => d.agent_type)).toEqual(['beta-worker']);
    const report = cliJson<any>(['report', '--project', 'alpha', '--by', 'agent'], home, opts);
    expect(report.filters.project).toBe(project('alpha'));
    expect(report.groups.map((g: { key: string }) => g.key)).toEqual(['alpha-worker']);
    fs.writeFileSync(path.join(project('beta'), '.claude', 'agent-warden.json'), JSON.stringify({ privacy: 'metadata' }));
    expect(cliJson<any>(['config', '--project', 'beta'], home, opts).files).toEqual([path.join(project('beta'), '.claude', 'agent-warden.json')]);
  });

  it("budget set writes the project's config with --project-config (of the --project folder); the old bare --project fails loudly and writes nothing", () => {
    const env = { CLAUDE_PROJECT_DIR: undefined };
    const file = path.join(project('alpha'), '.claude', 'agent-warden.json');
    const wrote = runCli(['budget', 'set', '--scope', 'day', '--usd', '20', '--project-config', '--project', 'alpha'], home, { cwd: root, env });
    expect(wrote.status, wrote.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ budgets: [{ scope: 'day', limit_usd: 20 }] });

    const before = fs.readFileSync(file, 'utf8');
    const bare = runCli(['budget', 'set', '--scope', 'week', '--usd', '5', '--project'], home, { cwd: project('alpha'), env });
    expect(bare.status).toBe(1);
    expect(bare.stderr).toMatch(/--project <dir>/);
    // Followed by another option, --project takes it as its folder: the command says what changed.
    const swallowed = runCli(['budget', 'set', '--scope', 'week', '--usd', '5', '--project', '--remove'], home, { cwd: project('alpha'), env });
    expect(swallowed.status).toBe(1);
    expect(swallowed.stderr).toContain('--project-config');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(home, 'config.json'))).toBe(false);
  });
});

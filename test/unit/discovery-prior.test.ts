/**
 * The usage prior: agents that completed dispatches for similar tasks in this project rank higher,
 * decayed like the curator's ranking; the same ledger names the most-used extended agents at
 * SessionStart; and after a dispatch names an agent that does not exist, the resident server tells
 * the model the closest installed ones. Real ledger (SQLite), real CLI and hook processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/db';
import { ResidentHooks } from '../../src/server/resident-hook';
import { makeHome, makeTempDir, type TempDir } from '../support/sandbox';
import { cliJson, runHook } from '../support/warden';

const DAY = 86_400_000;
const QUERY = ['review', 'code', 'for', 'bugs'];

let project: TempDir;
beforeAll(() => {
  project = makeTempDir('prior-project');
  const ext = path.join(project.path, '.claude', 'agents-extended');
  fs.mkdirSync(ext, { recursive: true });
  const agent = (name: string, description: string) => fs.writeFileSync(path.join(ext, `${name}.md`), `---\nname: ${name}\ndescription: ${description}\n---\nYou ${description.toLowerCase()}\n`);
  agent('bug-auditor', 'Reviews code for bugs and style.');
  agent('bug-hunter', 'Reviews code for bugs, then writes a regression test for each.');
  agent('css-stylist', 'Styles web pages with CSS.');
});
afterAll(() => project.cleanup());

/** A fresh home whose ledger holds `count` dispatches of `agent`, `ageDays` old, with `status`. */
function homeWith(agent: string, opts: { count: number; ageDays: number; status: string; description: string }): TempDir {
  const home = makeHome();
  const db = openLedger({ path: path.join(home.path, 'ledger.db') });
  const insert = db.prepare(
    `INSERT INTO dispatches (session_id, tool_use_id, project, agent_type, description, prompt, started_at, status, completed, failed)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = Date.now();
  for (let i = 0; i < opts.count; i++) {
    insert.run('s1', `t${i}`, fs.realpathSync(project.path), agent, opts.description, `Please ${opts.description}.`, now - opts.ageDays * DAY - i * 1000, opts.status, opts.status === 'completed' ? 1 : 0, opts.status === 'failed' ? 1 : 0);
  }
  db.close();
  return home;
}

const top = (home: TempDir) => cliJson<Array<{ name: string }>>(['find', '--project', project.path, ...QUERY], home.path).map((r) => r.name);

describe('usage prior', () => {
  it('without history, the text decides', () => {
    const home = makeHome();
    try {
      expect(top(home)[0]).toBe('bug-auditor');
    } finally {
      home.cleanup();
    }
  });

  it('an agent that completed similar tasks here ranks first', () => {
    const home = homeWith('bug-hunter', { count: 4, ageDays: 1, status: 'completed', description: 'review the code for bugs' });
    try {
      expect(top(home)).toEqual(['bug-hunter', 'bug-auditor']);
    } finally {
      home.cleanup();
    }
  });

  it('failed dispatches, unrelated tasks and old history do not lift it', () => {
    for (const seed of [
      { count: 4, ageDays: 1, status: 'failed', description: 'review the code for bugs' },
      { count: 4, ageDays: 1, status: 'completed', description: 'translate the release notes' },
      { count: 4, ageDays: 200, status: 'completed', description: 'review the code for bugs' },
    ]) {
      const home = homeWith('bug-hunter', seed);
      try {
        expect(top(home)[0], JSON.stringify(seed)).toBe('bug-auditor');
      } finally {
        home.cleanup();
      }
    }
  });

  it('SessionStart names the extended agents used here most', () => {
    const home = homeWith('bug-hunter', { count: 2, ageDays: 1, status: 'completed', description: 'review the code for bugs' });
    try {
      const start = { session_id: 'sess-prior', transcript_path: path.join(home.path, 'none.jsonl'), cwd: project.path, hook_event_name: 'SessionStart', source: 'startup' };
      const ran = runHook(JSON.stringify(start), home.path, { cwd: project.path, env: { CLAUDE_PROJECT_DIR: project.path } });
      expect(ran.status).toBe(0);
      const context = JSON.parse(ran.stdout).hookSpecificOutput.additionalContext as string;
      expect(context).toMatch(/^agent-warden: 3 more agents are installed but not listed; used here before: bug-hunter/);
    } finally {
      home.cleanup();
    }
  });
});

describe('did-you-mean after an unknown agent type', () => {
  it('the resident server adds the closest installed agents to the failed dispatch', () => {
    const home = makeHome();
    const saved = { home: process.env.AGENT_WARDEN_HOME, dir: process.env.CLAUDE_PROJECT_DIR };
    process.env.AGENT_WARDEN_HOME = home.path;
    process.env.CLAUDE_PROJECT_DIR = project.path;
    const hooks = new ResidentHooks();
    try {
      const failure = (tool_name: string, error: string) => ({
        hook_event_name: 'PostToolUseFailure',
        session_id: 'sess-dym',
        transcript_path: path.join(home.path, 'none.jsonl'),
        cwd: project.path,
        tool_name,
        tool_use_id: `toolu_${tool_name}_${error.length}`,
        tool_input: JSON.stringify({ description: 'review code for bugs', prompt: 'Look for bugs in src/.', subagent_type: 'code-review-bot' }),
        error,
      });
      const out = hooks.handle(failure('Agent', "Agent type 'code-review-bot' not found. Available agents: general-purpose, Explore"));
      const context = JSON.parse(out.content[0]!.text).hookSpecificOutput.additionalContext as string;
      expect(context).toMatch(/^agent-warden: no installed agent is named "code-review-bot"\. Closest installed agents for this task: bug-auditor \[extended\], bug-hunter \[extended\]/);
      expect(context).toContain('subagent_type');
      // Other failures are left as Claude Code reported them.
      expect(hooks.handle(failure('Bash', 'Exit code 1')).content[0]!.text).toBe('');
      expect(hooks.handle(failure('Agent', 'Agent was interrupted')).content[0]!.text).toBe('');
    } finally {
      hooks.close();
      process.env.AGENT_WARDEN_HOME = saved.home;
      if (saved.dir === undefined) delete process.env.CLAUDE_PROJECT_DIR;
      else process.env.CLAUDE_PROJECT_DIR = saved.dir;
      home.cleanup();
    }
  });
});

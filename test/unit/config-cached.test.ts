// Issue 20: the resident server keeps settings in memory, and a change to either file (the user's
// or the project's) is seen at the next event, whether the file is edited in place, replaced, or
// created or deleted.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedConfig } from '../../src/runtime/config/cached';
import { makeTempDir, type TempDir } from '../support/sandbox';

let home: TempDir;
let project: TempDir;
const saved = process.env.AGENT_WARDEN_HOME;
beforeEach(() => {
  home = makeTempDir('cfg-home');
  project = makeTempDir('cfg-project');
  process.env.AGENT_WARDEN_HOME = home.path;
});
afterEach(() => {
  if (saved === undefined) delete process.env.AGENT_WARDEN_HOME;
  else process.env.AGENT_WARDEN_HOME = saved;
  home.cleanup();
  project.cleanup();
});

const userFile = () => path.join(home.path, 'config.json');
const projectFile = () => path.join(project.path, '.claude', 'agent-warden.json');
const limits = () => cachedConfig(project.path).config.budgets.map((b) => b.limit_tokens);

describe('settings cached by the resident server', () => {
  it('are read again when a file appears, changes, is replaced or goes away', () => {
    expect(limits()).toEqual([]);
    fs.writeFileSync(userFile(), JSON.stringify({ budgets: [{ scope: 'day', limit_tokens: 1000 }] }));
    expect(limits()).toEqual([1000]);
    // Same size, new content: the mtime tells (set explicitly, as an edit within one clock tick would not).
    fs.writeFileSync(userFile(), JSON.stringify({ budgets: [{ scope: 'day', limit_tokens: 2000 }] }));
    fs.utimesSync(userFile(), new Date(), new Date(Date.now() + 5000));
    expect(limits()).toEqual([2000]);
    // An editor's save: a new file renamed over the old one.
    fs.writeFileSync(`${userFile()}.tmp`, JSON.stringify({ budgets: [{ scope: 'week', limit_tokens: 30000 }] }));
    fs.renameSync(`${userFile()}.tmp`, userFile());
    expect(limits()).toEqual([30000]);
    fs.mkdirSync(path.dirname(projectFile()), { recursive: true });
    fs.writeFileSync(projectFile(), JSON.stringify({ budgets: [{ scope: 'session', limit_tokens: 500 }] }));
    expect(limits()).toContain(500);
    fs.rmSync(projectFile());
    fs.rmSync(userFile());
    expect(limits()).toEqual([]);
  });

  it('are read again when an AGENT_WARDEN_* variable or the project\'s Claude Code settings change', () => {
    fs.writeFileSync(userFile(), JSON.stringify({ breaker: { max_consecutive_failures: 5 } }));
    const failures = () => cachedConfig(project.path).config.breaker.max_consecutive_failures;
    expect(failures()).toBe(5);
    process.env.AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES = '9';
    try {
      expect(failures()).toBe(9);
      // The same variable set by the project's own Claude Code settings is the project's: untrusted,
      // it may only tighten, so the user's 5 stands again once that file appears.
      fs.mkdirSync(path.join(project.path, '.claude'), { recursive: true });
      fs.writeFileSync(path.join(project.path, '.claude', 'settings.json'), JSON.stringify({ env: { AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES: '9' } }));
      expect(failures()).toBe(5);
    } finally {
      delete process.env.AGENT_WARDEN_BREAKER__MAX_CONSECUTIVE_FAILURES;
    }
    expect(failures()).toBe(5);
  });

  it('is the same object while nothing changes', () => {
    fs.writeFileSync(userFile(), JSON.stringify({ budgets: [{ scope: 'day', limit_tokens: 1000 }] }));
    expect(cachedConfig(project.path)).toBe(cachedConfig(project.path));
  });
});

/**
 * Issue 17, must show 4 (and the same check on the pinned client): with the plugin loaded, every
 * dispatch of a session is in the ledger when it ends: foreground, background and nested.
 * `.ci/run` runs this file on the pinned 2.1.328 and again on 2.1.332 (AGENT_WARDEN_CLAUDE_BIN).
 */
import { describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { everyDispatchKind, expectEveryDispatch, REVIEWER } from '../support/dispatch-session';
import { scratch } from '../support/scratch';
import { cliJson, PLUGIN_DIR, REPO } from '../support/warden';

const { temp, mock } = scratch();

describe('every kind of dispatch, recorded', () => {
  it('foreground, background and nested dispatches are all in the ledger when the session ends', async () => {
    const wardenHome = temp(makeTempDir('warden'));
    const model = await mock(everyDispatchKind());
    const home = temp(makeHome());
    const run = await runClaude({ prompt: 'go', modelUrl: model.url, home, cwd: temp(makeProject({ agents: [REVIEWER] })), pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.result!.subagent_stats.spawned).toBe(4);
    const records = cliJson<any[]>(['dispatches', '--session', run.result!.session_id], wardenHome);
    expectEveryDispatch(records, run.result!);
    const events = cliJson<any[]>(['events', '--session', run.result!.session_id], wardenHome);
    expect(events.filter((e) => e.kind === 'malformed')).toEqual([]);
  });
});

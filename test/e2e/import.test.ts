/**
 * History from before the install: sessions the real Claude Code CLI ran with no plugin, then
 * `agent-warden import` twice. Its totals must equal ccusage's on the same files (the pinned Rust
 * port 20.0.24 and the TypeScript 17.2.1), every spawned subagent must be one dispatch, and the
 * second run must add nothing. A session the hooks recorded live is topped up, never doubled.
 * The dashboard of that history then renders in Chromium from disk with the network off.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text } from '../support/conversation';
import type { Usage } from '../support/mock-model';
import { openOffline, screenshot } from '../support/browser';
import { scratch } from '../support/scratch';
import { cliJson, PLUGIN_DIR, REPO, runCli } from '../support/warden';

const { temp, mock } = scratch();

// Real usage objects split cache writes by lifetime; ccusage 20 counts only the split.
const USAGE = {
  input_tokens: 310,
  output_tokens: 45,
  cache_creation_input_tokens: 120,
  cache_read_input_tokens: 900,
  cache_creation: { ephemeral_5m_input_tokens: 80, ephemeral_1h_input_tokens: 40 },
} as Partial<Usage>;

function ccusage(version: '20' | '17', configDir: string): { totalTokens: number; sessions: number } {
  // ccusage 20 is a Rust binary; its npm wrapper only picks the platform package, which is all
  // this registry carries (linux-x64), so the test runs that binary itself.
  const [cmd, pre] = version === '20' ? [ccusageBinary(), []] : [process.execPath, [path.join(REPO, 'node_modules/ccusage17/dist/index.js')]];
  const ran = spawnSync(cmd, [...pre, 'session', '--json', '--offline'], {
    env: { ...process.env, CLAUDE_CONFIG_DIR: configDir, NO_COLOR: '1', TZ: 'UTC' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(ran.status, ran.stderr).toBe(0);
  const json = JSON.parse(ran.stdout);
  const rows = json.sessions ?? json.session ?? [];
  return { totalTokens: json.totals.totalTokens, sessions: rows.length };
}

/** The package ships the binary without its execute bit (its wrapper sets it): run a copy that has it. */
function ccusageBinary(): string {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-ccusage-')), 'ccusage');
  fs.copyFileSync(path.join(REPO, 'node_modules/@ccusage/ccusage-linux-x64/bin/ccusage'), copy);
  fs.chmodSync(copy, 0o755);
  return copy;
}

function subagentTranscripts(projectsDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^agent-.*\.jsonl$/.test(e.name) && path.basename(dir) === 'subagents') out.push(p);
    }
  };
  walk(projectsDir);
  return out;
}

describe('agent-warden import', () => {
  it('reads sessions run without the plugin: totals equal ccusage, one dispatch per subagent, a second run adds nothing', async () => {
    const home = temp(makeHome());
    const wardenHome = temp(makeTempDir('warden'));
    const cwd = temp(makeProject({}));
    const script = conversation({ usage: USAGE })
      .main(
        dispatch({ subagent_type: 'general-purpose', prompt: 'FOREGROUND_JOB with a nested helper' }),
        dispatch({ subagent_type: 'general-purpose', prompt: 'BACKGROUND_JOB', run_in_background: true }),
        bash('sleep 1; echo waiting'),
        text('All done.'),
      )
      .subagent('FOREGROUND_JOB', dispatch({ subagent_type: 'general-purpose', prompt: 'NESTED_JOB' }), text('REPORT foreground'))
      .subagent('NESTED_JOB', bash('echo nested'), text('REPORT nested'))
      .subagent('BACKGROUND_JOB', bash('echo background'), text('REPORT background'))
      .script();
    const model = await mock(script);
    for (const prompt of ['first session', 'second session']) {
      const run = await runClaude({ prompt, modelUrl: model.url, home, cwd });
      expect(run.exitCode, run.stderr).toBe(0);
    }
    // A third session recorded live by the hooks: the import must not count it twice.
    const live = await runClaude({ prompt: 'third session', modelUrl: model.url, home, cwd, pluginDirs: [PLUGIN_DIR], wardenHome });
    expect(live.exitCode, live.stderr).toBe(0);

    const configDir = path.join(home, '.claude');
    const projectsDir = path.join(configDir, 'projects');
    const spawned = subagentTranscripts(projectsDir);
    expect(spawned.length).toBe(9);

    const first = cliJson(['import', '--projects-dir', projectsDir], wardenHome);
    expect(first).toMatchObject({ sessions_seen: 3, sessions_imported: 2 });
    const second = cliJson(['import', '--projects-dir', projectsDir], wardenHome);
    expect(second).toMatchObject({ sessions_imported: 0, sessions_topped_up: 0, dispatches_added: 0, events_added: 0 });

    const sessions = cliJson<any[]>(['sessions'], wardenHome);
    expect(sessions).toHaveLength(3);
    const ours = sessions.reduce((n, s) => n + s.main_tokens + s.subagent_tokens, 0);
    const v20 = ccusage('20', configDir);
    const v17 = ccusage('17', configDir);
    expect(v20.totalTokens).toBeGreaterThan(0);
    expect(ours).toBe(v20.totalTokens);
    expect(ours).toBe(v17.totalTokens);

    const dispatches = cliJson<any[]>(['dispatches'], wardenHome);
    expect(dispatches).toHaveLength(spawned.length);
    expect(new Set(dispatches.map((d) => d.agent_id))).toEqual(new Set(spawned.map((f) => path.basename(f).replace(/^agent-|\.jsonl$/g, ''))));
    expect(dispatches.filter((d) => d.parent_agent_id)).toHaveLength(3);
    expect(dispatches.every((d) => d.status === 'completed')).toBe(true);
    const imported = sessions.filter((s) => s.imported);
    expect(imported).toHaveLength(2);

    // The projections rebuild from the imported events alone.
    expect(runCli(['ledger', 'rebuild'], wardenHome).status).toBe(0);
    expect(cliJson<any[]>(['sessions'], wardenHome).reduce((n, s) => n + s.main_tokens + s.subagent_tokens, 0)).toBe(ours);

    // The dashboard of that history, opened from disk in Chromium with the network off; a day
    // budget gives the burn-down chart the imported spend of today.
    fs.writeFileSync(path.join(wardenHome, 'config.json'), JSON.stringify({ budgets: [{ scope: 'day', limit_tokens: 1_000_000 }] }));
    const out = path.join(temp(makeTempDir('dashboard')), 'dashboard.html');
    const wrote = runCli(['dashboard', '--out', out, '--since', '3650d'], wardenHome, { cwd });
    expect(wrote.status, wrote.stderr).toBe(0);
    const view = await openOffline(pathToFileURL(out).href);
    try {
      await view.page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
      const drawn = await view.page.evaluate(() => {
        const charts = (window as any).__wardenCharts as Record<string, any>;
        const series = (id: string) => charts[id].getOption().series as { name?: string; data: any[] }[];
        const canvasInked = (id: string) => {
          const canvas = document.querySelector(`#${id} canvas`) as HTMLCanvasElement | null;
          if (!canvas) return false;
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
          return false;
        };
        const spendTokens = series('chart-spend').reduce((n, s) => n + s.data.reduce((m: number, v: number) => m + v, 0), 0);
        return {
          inked: ['chart-spend', 'chart-timeline', 'chart-failures', 'chart-budgets', 'chart-listing'].filter(canvasInked),
          spendTokens,
          spendTypes: series('chart-spend').map((s) => s.name).sort(),
          timelineRows: series('chart-timeline')[0]!.data.length,
          burned: series('chart-budgets')[0]!.data.at(-1)?.[1],
          sessionsOffered: document.querySelectorAll('#session option').length,
          tableRows: document.querySelectorAll('#table-spend tbody tr').length,
        };
      });
      await screenshot(view.page, 'dashboard-imported');
      expect(view.errors).toEqual([]);
      expect(view.networkRequests).toEqual([]);
      expect(drawn.inked).toEqual(expect.arrayContaining(['chart-spend', 'chart-timeline', 'chart-budgets']));
      expect(drawn.burned).toBe(ours);
      expect(drawn.spendTokens).toBe(ours);
      expect(drawn.spendTypes).toEqual(['general-purpose', 'main thread']);
      expect(drawn.sessionsOffered).toBe(3);
      // The busiest session: its main thread and its three subagents (one nested).
      expect(drawn.timelineRows).toBe(4);
      expect(drawn.tableRows).toBe(2);
    } finally {
      await view.close();
    }
  });
});

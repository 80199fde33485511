// `agent-warden metrics` scraped by a real Prometheus (Debian's 2.42): what Prometheus stores is what
// the ledger holds, after the real hook recorded the captured Claude Code run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/sandbox';
import { loadFixtureRun, WIRED } from '../support/fixtures';
import { CLI, cliJson, REPO, runCli, runHook, wardenEnv } from '../support/warden';
import { freePort } from '../support/free-port';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.reverse()) c();
});


function started(child: ChildProcess): ChildProcess {
  cleanups.push(() => child.exitCode === null && child.kill('SIGTERM'));
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Prometheus metrics', () => {
  let home: string;
  let ledgerTokens: number;

  beforeAll(() => {
    home = makeTempDir('metrics-home').path;
    cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const fixture = loadFixtureRun('hooks-dispatch');
    cleanups.push(fixture.cleanup);
    for (const p of fixture.payloads.filter((p) => WIRED.has(p.event.hook_event_name))) {
      expect(runHook(p.text, home, { env: { CLAUDE_PROJECT_DIR: undefined } }).status).toBe(0);
    }
    const sessions = cliJson<any[]>(['sessions'], home);
    ledgerTokens = sessions.reduce((n, s) => n + s.main_tokens + s.subagent_tokens, 0);
    expect(ledgerTokens).toBeGreaterThan(0);
    expect(sessions.some((s) => s.subagent_tokens > 0)).toBe(true);
  });

  it('a real Prometheus scraping `metrics --listen` stores sum(agent_warden_tokens_total) equal to the ledger tokens', async () => {
    const [port, promPort] = [await freePort(), await freePort()];
    const metrics = started(spawn(process.execPath, [CLI, 'metrics', '--listen', `127.0.0.1:${port}`], { cwd: REPO, env: wardenEnv(home), stdio: ['ignore', 'pipe', 'pipe'] }));
    let stderr = '';
    metrics.stderr!.on('data', (d) => (stderr += d));
    await until('metrics to listen', async () => ((await fetch(`http://127.0.0.1:${port}/metrics`)).ok ? true : undefined));

    const dir = makeTempDir('prometheus').path;
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(config, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: agent-warden\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
    started(spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' }));

    const query = async (q: string) => {
      const body = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as any;
      return body.status === 'success' && body.data.result.length ? body.data.result : undefined;
    };
    const result = await until('Prometheus to scrape agent-warden', () => query('sum(agent_warden_tokens_total)'));
    expect(Number(result[0].value[1])).toBe(ledgerTokens);
    // The main thread and the subagents both reach Prometheus, by their own labels.
    const main = await until('main-thread series', () => query('sum(agent_warden_tokens_total{agent_type="main"})'));
    expect(Number(main[0].value[1])).toBeGreaterThan(0);
    expect(Number(main[0].value[1])).toBeLessThan(ledgerTokens);
    const up = await until('the target to be up', () => query('up{job="agent-warden"}'));
    expect(up[0].value[1]).toBe('1');
    expect(stderr).toBe('');
  }, 120_000);

  it('--once prints the exposition: dispatches, tokens and cost per agent type and model', () => {
    const ran = runCli(['metrics', '--once'], home);
    expect(ran.status).toBe(0);
    const text = ran.stdout;
    expect(text).toMatch(/^# TYPE agent_warden_tokens_total counter$/m);
    expect(text).toMatch(/^agent_warden_tokens_total\{agent_type="main",model="[^"]+"\} \d+$/m);
    expect(text).toMatch(/^agent_warden_dispatches_total\{agent_type="[^"]+",status="completed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^agent_warden_cost_usd_total\{agent_type="main",model="[^"]+"\} [\d.e-]+$/m);
    const sum = [...text.matchAll(/^agent_warden_tokens_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(sum).toBe(ledgerTokens);
  });

  it('counts the denials the hook made, by policy, and the circuits left open', () => {
    const retryHome = makeTempDir('metrics-retry').path;
    cleanups.push(() => fs.rmSync(retryHome, { recursive: true, force: true }));
    const fixture = loadFixtureRun('hooks-retry-loop');
    cleanups.push(fixture.cleanup);
    let denied = 0;
    for (const p of fixture.payloads.filter((p) => WIRED.has(p.event.hook_event_name))) {
      const ran = runHook(p.text, retryHome, { env: { CLAUDE_PROJECT_DIR: undefined } });
      expect(ran.status).toBe(0);
      if (/"permissionDecision":\s*"deny"/.test(ran.stdout)) denied++;
    }
    expect(denied).toBeGreaterThan(0);
    const text = runCli(['metrics', '--once'], retryHome).stdout;
    const total = [...text.matchAll(/^agent_warden_denials_total\{policy="([^"]+)"\} (\d+)$/gm)];
    expect(total.map((m) => m[1])).toEqual(['breaker']);
    expect(Number(total[0]![2])).toBe(denied);
    expect(text).toMatch(/^agent_warden_open_circuits\{kind="[^"]+"\} [1-9]\d*$/m);
  });

  it('refuses a non-loopback address unless --allow-remote, naming the flag', () => {
    const ran = runCli(['metrics', '--listen', '0.0.0.0:9464'], home);
    expect(ran.status).toBe(1);
    expect(ran.stderr).toContain('--allow-remote');
    expect(ran.stdout).toBe('');
  });
});

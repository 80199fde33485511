/**
 * Team budgets on a real PostgreSQL (Debian's, started by test/support/postgres.ts) with the real
 * Claude Code CLI: three machines (three homes) share one team day budget; each machine's resident
 * MCP server pushes its usage and fetches the team's spend in the background, and the hook reads
 * that figure from the local ledger. With PostgreSQL stopped, sessions run and record locally; once
 * it is back, their spend reaches the team total exactly once.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeProject, makeTempDir, runClaude } from '../support/claude-cli';
import { bash, conversation, dispatch, text } from '../support/conversation';
import { firstUserText, isMainThread, isSubagent, toolResults, turnIndex, type MockModel, type ModelRequest, type Script } from '../support/mock-model';
import { startPostgres, type Postgres } from '../support/postgres';
import { scratch } from '../support/scratch';
import { cliJson, PLUGIN_DIR, runCli, sessionEndRecorded, wardenEnv } from '../support/warden';
import { openDatabase } from '../../src/ledger/driver';

const WORKER = { name: 'worker', description: 'Does small jobs.', tools: 'Bash', body: 'You are a worker.' };
const MAIN_USAGE = { input_tokens: 10, output_tokens: 5 };
// A subagent's two replies bill 1,350 each: 2,700 per dispatch.
const SUB_USAGE = { input_tokens: 1300, output_tokens: 50 };
const HOOK_ERROR = 'PreToolUse:Agent hook error: agent-warden:';
const LIMIT = 5000;
// A session waits (in the mock model) for its resident server's background sync: on a loaded machine
// that can take a while, so sessions and tests get more time than the suite's defaults.
const SESSION_TIMEOUT_MS = 180_000;
const TEST_TIMEOUT_MS = 480_000;

const { temp, mock } = scratch();
let pg: Postgres;

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.destroy();
});

/** One machine: its own HOME for Claude Code, its own agent-warden home, the team in its user config. */
function machine(url: string, member: string, extra: Record<string, unknown> = {}, limit = LIMIT) {
  const wardenHome = temp(makeTempDir(`warden-${member}`));
  fs.writeFileSync(
    path.join(wardenHome, 'config.json'),
    JSON.stringify({ team: { url, name: 'acme', member, ...extra }, budgets: [{ scope: 'day', limit_tokens: limit, team: true }] }),
  );
  return { member, wardenHome, home: temp(makeHome()), cwd: temp(makeProject({ agents: [WORKER] })) };
}
type Machine = ReturnType<typeof machine>;

function ledgerQuery<T>(m: Machine, sql: string, ...args: unknown[]): T | undefined {
  const file = path.join(m.wardenHome, 'ledger.db');
  if (!fs.existsSync(file)) return undefined;
  const db = openDatabase(file, { readonly: true });
  try {
    return db.prepare(sql).get(...args) as T | undefined;
  } catch {
    return undefined; // not migrated yet
  } finally {
    db.close();
  }
}

/** Waits (bounded) until `ready()` holds: the precondition of the next scripted reply, not an assertion on time. */
async function until(what: string, ready: () => boolean, limitMs = 120_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A script whose reply to the main thread's `turn`-th request waits for `gate` first. */
function gated(script: Script, turn: number, gate: () => Promise<void>): Script {
  return async (req: ModelRequest) => {
    if (isMainThread(req) && turnIndex(req) === turn) await gate();
    return script(req);
  };
}

/** Dispatches one ~2,700-token job; optionally the reply after it waits until the resident server pushed what waited from before. */
async function spendSession(m: Machine, job: string, opts: { waitForPush: boolean; pushedAtEnd?: boolean; before?: () => Promise<void> }) {
  const convo = conversation({ usage: MAIN_USAGE })
    .main(dispatch({ subagent_type: 'worker', prompt: `${job}: do it` }), text(`${job} done.`))
    .subagent(job, { ...bash(`echo ${job}_RAN`), usage: SUB_USAGE }, text(`REPORT ${job}`, SUB_USAGE));
  const subagentTokens = (pushedOnly: boolean) =>
    ledgerQuery<{ n: number }>(
      m,
      `SELECT coalesce(sum(u.total_tokens), 0) AS n FROM usage u JOIN team_outbox o USING (session_id, agent_id, message_id)
       WHERE u.agent_id <> '' ${pushedOnly ? 'AND o.dirty = 0' : ''}`,
    )?.n ?? 0;
  const before = subagentTokens(false);
  // What this machine billed before the session (and could not push then) is pushed by the session's resident server in the background.
  const earlierPushed = () => subagentTokens(true) >= before;
  let script = convo.script();
  if (opts.waitForPush) script = gated(script, 1, () => until(`${m.member}'s resident server pushes the usage that waited`, earlierPushed));
  if (opts.before) script = gated(script, 0, opts.before);
  const model = await mock(script);
  const run = await runClaude({ prompt: 'do the job', modelUrl: model.url, home: m.home, cwd: m.cwd, pluginDirs: [PLUGIN_DIR], wardenHome: m.wardenHome, timeoutMs: SESSION_TIMEOUT_MS });
  // On failure, what the ledger and the sync state held (the run's own output rarely says why a gate never opened).
  if (run.exitCode !== 0) console.log('session failed', JSON.stringify(ledgerQuery(m, "SELECT group_concat(agent_id || ':' || total_tokens || ':' || dirty) AS rows FROM usage JOIN team_outbox USING (session_id, agent_id, message_id)")), denials(model), model.modelRequests().length, run.exitCode, run.signal, run.timedOut, run.stderr.slice(-2000), fs.existsSync(path.join(m.wardenHome, 'warden.log')) ? fs.readFileSync(path.join(m.wardenHome, 'warden.log'), 'utf8').slice(-3000) : 'no log', JSON.stringify(cliJson(['team', 'status'], m.wardenHome)));
  expect(run.exitCode, run.stderr).toBe(0);
  // The session's end is recorded asynchronously (a detached drain, issue 20): wait for it before reading the ledger.
  await sessionEndRecorded(m.wardenHome);
  if (opts.pushedAtEnd) {
    // At session end a detached `team sync` pushes what the session billed (its subagent's 2,700 tokens among it).
    await until(`${m.member}'s session-end sync pushes the session`, () => subagentTokens(true) >= before + 2700 && (ledgerQuery<{ n: number }>(m, 'SELECT count(*) AS n FROM team_outbox WHERE dirty = 1')?.n ?? 1) === 0);
  }
  return { run, model };
}

function denials(model: MockModel): string[] {
  return model
    .modelRequests()
    .filter(isMainThread)
    .flatMap(toolResults)
    .filter((r) => r.text.startsWith(HOOK_ERROR))
    .map((r) => r.text.slice('PreToolUse:Agent hook error: '.length));
}

function subagentsRun(model: MockModel): string[] {
  return [...new Set(model.modelRequests().filter(isSubagent).map((r) => /JOB_\w+/.exec(firstUserText(r))?.[0]).filter((x): x is string => Boolean(x)))];
}

const localTokens = (m: Machine) => ledgerQuery<{ n: number }>(m, 'SELECT coalesce(sum(total_tokens), 0) AS n FROM usage')?.n ?? 0;

describe('team budgets on PostgreSQL', () => {
  it('three machines, one team day budget: after two of them spent past it, the third one\'s dispatch is refused, naming the team budget', async () => {
    const url = await pg.createDatabase('team_three');
    const [ana, ben, cy] = [machine(url, 'ana'), machine(url, 'ben'), machine(url, 'cy')];

    // Each alone stays under the limit (2,700 of 5,000): their dispatches run.
    const a = await spendSession(ana, 'JOB_ANA', { waitForPush: false, pushedAtEnd: true });
    const b = await spendSession(ben, 'JOB_BEN', { waitForPush: false, pushedAtEnd: true });
    expect(subagentsRun(a.model)).toEqual(['JOB_ANA']);
    expect(subagentsRun(b.model)).toEqual(['JOB_BEN']);
    expect(denials(a.model)).toEqual([]);
    expect(denials(b.model)).toEqual([]);

    // The third machine has spent nothing. Its dispatch waits only until its own resident server has
    // fetched the team's spend in the background (no CLI on this machine before the refusal).
    const fetched = () => {
      const row = ledgerQuery<{ machines: number; tokens: number }>(cy, 'SELECT machines, tokens FROM team_totals');
      return row?.machines === 2 && row.tokens >= 2 * 2700;
    };
    const convo = conversation({ usage: MAIN_USAGE })
      .main(dispatch({ subagent_type: 'worker', prompt: 'JOB_CY: do it' }), text('Cy done.'))
      .subagent('JOB_CY', { ...bash('echo JOB_CY_RAN'), usage: SUB_USAGE }, text('REPORT JOB_CY', SUB_USAGE));
    const model = await mock(gated(convo.script(), 0, () => until("cy's resident server fetches the team's spend", fetched)));
    const run = await runClaude({ prompt: 'do the job', modelUrl: model.url, home: cy.home, cwd: cy.cwd, pluginDirs: [PLUGIN_DIR], wardenHome: cy.wardenHome, timeoutMs: SESSION_TIMEOUT_MS });
    expect(run.exitCode, run.stderr).toBe(0);

    expect(subagentsRun(model)).toEqual([]);
    const [reason, ...more] = denials(model);
    expect(more).toEqual([]);
    expect(reason).toMatch(/^agent-warden: the team "acme" day budget is spent: [\d,]+ tokens of 5,000 tokens used/);
    expect(reason).toMatch(/counting the team's spend \(this machine and 2 other machines, as fetched \d+ s ago\)/);
    const command = /`([^`]*budget override --session \S+ --budget day:team --add \d+)`/.exec(reason!)?.[1];
    expect(command).toBeDefined();
    // Cy's own ledger holds nothing billed by a subagent: the refusal came from the others' spend.
    expect(ledgerQuery<{ n: number }>(cy, `SELECT coalesce(sum(total_tokens), 0) AS n FROM usage WHERE agent_id <> ''`)?.n).toBe(0);

    // The command the denial names lifts it for that session, run as printed.
    const lifted = spawnSync('bash', ['-c', command!], { cwd: cy.cwd, env: wardenEnv(cy.wardenHome), encoding: 'utf8' });
    expect(lifted.status, lifted.stderr).toBe(0);
    const [status] = cliJson<any[]>(['budget', 'status', '--session', run.result!.session_id], cy.wardenHome, { cwd: cy.cwd });
    const added = Number(/--add (\d+)/.exec(command!)![1]);
    expect(status).toMatchObject({ budget: 'day:team', raised: added, limit: LIMIT + added });
    expect(status.team).toMatchObject({ fresh: expect.any(Boolean) });

    // The team report: each member's spend, by agent type, as the machines' ledgers hold it.
    runCli(['team', 'sync'], ana.wardenHome);
    runCli(['team', 'sync'], ben.wardenHome);
    const report = cliJson<any>(['report', '--team'], cy.wardenHome);
    const byMember = Object.fromEntries(report.members.map((m: any) => [m.member, m]));
    expect(byMember.ana.tokens).toBe(localTokens(ana));
    expect(byMember.ben.tokens).toBe(localTokens(ben));
    expect(byMember.ana.by_agent_type.find((r: any) => r.agent_type === 'worker').tokens).toBe(2700);
    expect(byMember.ana.by_agent_type.map((r: any) => r.agent_type).sort()).toEqual(['main', 'worker']);
    expect(report.total.tokens).toBe(localTokens(ana) + localTokens(ben) + localTokens(cy));
  }, TEST_TIMEOUT_MS);

  it('PostgreSQL stopped: sessions run and record locally, told once; restarted: their spend reaches the team total, counted once', async () => {
    const url = await pg.createDatabase('team_outage');
    // dee's team figure goes stale 2 s after a fetch, so the outage shows at its first dispatch.
    const [dee, eli] = [machine(url, 'dee', { max_staleness_seconds: 2 }, 100_000), machine(url, 'eli', {}, 100_000)];
    // The server knows both machines before the outage.
    expect(runCli(['team', 'sync'], dee.wardenHome).status).toBe(0);
    expect(runCli(['team', 'sync'], eli.wardenHome).status).toBe(0);

    await pg.stop();
    const stale = () => {
      const row = ledgerQuery<{ fetched_at: number }>(dee, 'SELECT fetched_at FROM team_totals');
      return row !== undefined && Date.now() - row.fetched_at > 2500;
    };
    const offline = await spendSession(dee, 'JOB_OFFLINE', { waitForPush: false, before: () => until("dee's last team figure is older than its max_staleness_seconds", stale) });
    expect(subagentsRun(offline.model)).toEqual(['JOB_OFFLINE']);
    expect(denials(offline.model)).toEqual([]);
    // The model was told, once, that the team budget counts this machine's spend only.
    const told = offline.model
      .modelRequests()
      .filter(isMainThread)
      .map((r) => JSON.stringify(r.body).match(/agent-warden: the team \\"acme\\" day budget counts this machine's spend only for now/g)?.length ?? 0);
    expect(Math.max(...told)).toBe(1);
    // Recorded locally, waiting in the outbox.
    const recorded = localTokens(dee);
    expect(recorded).toBeGreaterThanOrEqual(2700);
    const waiting = ledgerQuery<{ n: number }>(dee, 'SELECT count(*) AS n FROM team_outbox WHERE dirty = 1')!.n;
    expect(waiting).toBeGreaterThan(0);
    const down = cliJson<any>(['team', 'status'], dee.wardenHome);
    expect(down.pending_rows).toBe(waiting);
    expect(down.last_error).toMatch(/ECONNREFUSED|connect/);
    const doctor = JSON.parse(runCli(['doctor', '--json'], dee.wardenHome).stdout);
    expect(doctor.checks.find((c: any) => c.name === 'team')).toMatchObject({ ok: false, detail: expect.stringMatching(/the last sync failed .* usage row\(s\) waiting to be pushed/) });
    const failed = runCli(['team', 'sync'], dee.wardenHome);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/cannot sync with the team's PostgreSQL/);

    await pg.start();
    // Back: the next session's resident server pushes what waited, and the other machine sees it.
    const again = await spendSession(dee, 'JOB_BACK', { waitForPush: true });
    expect(subagentsRun(again.model)).toEqual(['JOB_BACK']);
    expect(runCli(['team', 'sync'], dee.wardenHome).status).toBe(0);
    const total = localTokens(dee);
    expect(total).toBeGreaterThanOrEqual(recorded + 2700);

    expect(JSON.parse(runCli(['doctor', '--json'], dee.wardenHome).stdout).checks.find((c: any) => c.name === 'team')).toMatchObject({ ok: true });
    const first = cliJson<any>(['report', '--team'], eli.wardenHome);
    expect(first.members.find((m: any) => m.member === 'dee').tokens).toBe(total);
    // Pushing again (and a rebuild, which re-dirties every row) adds nothing: counted once.
    expect(runCli(['ledger', 'rebuild'], dee.wardenHome).status).toBe(0);
    expect(ledgerQuery<{ n: number }>(dee, 'SELECT count(*) AS n FROM team_outbox WHERE dirty = 1')!.n).toBeGreaterThan(0);
    expect(runCli(['team', 'sync'], dee.wardenHome).status).toBe(0);
    expect(runCli(['team', 'sync'], dee.wardenHome).status).toBe(0);
    const second = cliJson<any>(['report', '--team'], eli.wardenHome);
    expect(second.members.find((m: any) => m.member === 'dee').tokens).toBe(total);
    expect(second.total.tokens).toBe(total + localTokens(eli));
    // And eli's team figure holds dee's spend.
    const figure = cliJson<any>(['team', 'sync'], eli.wardenHome);
    expect(figure.ok).toBe(true);
    expect(ledgerQuery<{ tokens: number }>(eli, 'SELECT tokens FROM team_totals')?.tokens).toBe(total);
  }, TEST_TIMEOUT_MS);
});

// The team server's side of team budgets against a real PostgreSQL 15 (test/support/postgres.ts):
// pushes land exactly once whatever is repeated or re-dirtied, concurrent machines migrate the
// server's schema once, and a fetched team figure is what a team budget counts until it goes stale.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateBudget } from '../../src/core/budget/meter';
import { budgetStatus } from '../../src/core/budget/status';
import { loadConfig } from '../../src/runtime/config/load';
import type { Config } from '../../src/runtime/config/schema';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { appendEvent } from '../../src/ledger/events';
import { project } from '../../src/ledger/project';
import { rebuildProjections } from '../../src/ledger/rebuild';
import { pendingCount } from '../../src/team/outbox';
import { connectTeamDb } from '../../src/team/pg-client';
import { latestServerVersion, migrateServer, serverMigrations } from '../../src/team/server-schema';
import { TeamSync } from '../../src/team/sync';
import { startPostgres, type Postgres } from '../support/postgres';
import { runHook } from '../support/warden';

let pg: Postgres;
const dirs: string[] = [];
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.destroy();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const PROJECT = '/projects/app';

/** A machine: its own ledger file and user config naming the team. */
function machine(url: string, member: string, budgets: unknown[] = [{ scope: 'day', limit_tokens: 10_000, team: true }], team: Record<string, unknown> = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `aw-team-${member}-`));
  dirs.push(home);
  const userFile = path.join(home, 'config.json');
  fs.writeFileSync(userFile, JSON.stringify({ team: { url, name: 'acme', member, ...team }, budgets }));
  const loaded = loadConfig(undefined, { userFile });
  expect(loaded.problems).toEqual([]);
  return { member, db: openLedger({ path: path.join(home, 'ledger.db') }), file: path.join(home, 'ledger.db'), config: loaded.config };
}

let seq = 0;
/** Billed messages as the hooks record them from a transcript (the usage projection, its triggers and all). */
function bill(db: Ledger, session: string, messages: { id: string; tokens: number; model?: string; agentId?: string; agentType?: string }[]): void {
  db.transaction(() => {
    for (const m of messages) {
      const messages = [{ id: m.id, model: m.model ?? 'claude-sonnet-4-5', ts: Date.now(), input: m.tokens, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 }];
      const base = { receivedAt: Date.now(), sessionId: session, project: PROJECT, source: 'command' as const, uid: `t-${++seq}` };
      const ev = m.agentId
        ? appendEvent(db, { ...base, kind: 'agent_usage', payload: { agent_id: m.agentId, agent_type: m.agentType, offset_start: 0, offset_end: 0, messages } })
        : appendEvent(db, { ...base, kind: 'transcript_usage', payload: { offset_start: 0, offset_end: 0, messages } });
      project(db, ev!, { pricing: {} });
    }
  }).immediate();
}

async function serverSum(url: string, member: string): Promise<{ tokens: number; rows: number }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT coalesce(sum(u.total_tokens), 0)::int AS tokens, count(*)::int AS rows FROM agent_warden_usage u
       JOIN agent_warden_members m USING (team, machine_id) WHERE m.member = $1`,
      [member],
    );
    return rows[0];
  } finally {
    await c.end();
  }
}

const localSum = (db: Ledger) => (db.prepare('SELECT coalesce(sum(total_tokens), 0) AS n FROM usage').get() as { n: number }).n;

describe('team sync with PostgreSQL', () => {
  it('pushes each usage row exactly once: repeated pushes, a grown message and a ledger rebuild replace rows, never add them', async () => {
    const url = await pg.createDatabase('once');
    const a = machine(url, 'ana');
    bill(a.db, 's1', [{ id: 'm1', tokens: 100 }, { id: 'm2', tokens: 200 }, { id: 'm3', tokens: 300, agentId: 'ag1', agentType: 'worker' }]);
    expect(pendingCount(a.db)).toBe(3);
    const sync = new TeamSync();
    try {
      const first = await sync.run(a.db, a.config, PROJECT);
      expect(first).toMatchObject({ ok: true, pushed: 3, pending: 0 });
      expect(await serverSum(url, 'ana')).toEqual({ tokens: 600, rows: 3 });
      expect((await sync.run(a.db, a.config, PROJECT)).pushed).toBe(0);

      // The process died after the server committed and before the rows were marked: pushed again, counted once.
      a.db.prepare('UPDATE team_outbox SET dirty = 1').run();
      expect((await sync.run(a.db, a.config, PROJECT)).pushed).toBe(3);
      expect(await serverSum(url, 'ana')).toEqual({ tokens: 600, rows: 3 });

      // Claude Code flushed more of message m2: the same row grows, on the server too.
      bill(a.db, 's1', [{ id: 'm2', tokens: 250 }]);
      expect(pendingCount(a.db)).toBe(1);
      await sync.run(a.db, a.config, PROJECT);
      expect(await serverSum(url, 'ana')).toEqual({ tokens: 650, rows: 3 });
      expect(localSum(a.db)).toBe(650);

      // A rebuild replays every usage row: all dirty again, and still 650 once pushed.
      rebuildProjections(a.db, { pricing: {} });
      expect(pendingCount(a.db)).toBe(3);
      await sync.run(a.db, a.config, PROJECT);
      expect(await serverSum(url, 'ana')).toEqual({ tokens: 650, rows: 3 });
    } finally {
      await sync.close();
    }
  });

  it('two syncs of one machine at once (two sessions, two resident servers) count each row once', async () => {
    const url = await pg.createDatabase('twice');
    const a = machine(url, 'ana');
    bill(a.db, 's1', Array.from({ length: 1200 }, (_, i) => ({ id: `m${i}`, tokens: 10 })));
    const other = openLedger({ path: a.file });
    const [s1, s2] = [new TeamSync(), new TeamSync()];
    try {
      const outs = await Promise.all([s1.run(a.db, a.config, PROJECT), s2.run(other, a.config, PROJECT)]);
      expect(outs.every((o) => o.ok)).toBe(true);
      expect(await serverSum(url, 'ana')).toEqual({ tokens: 12_000, rows: 1200 });
      expect(pendingCount(a.db)).toBe(0);
    } finally {
      await Promise.all([s1.close(), s2.close()]);
      other.close();
    }
  });

  it("machines starting together apply the server's schema migrations once", async () => {
    const url = await pg.createDatabase('schema');
    const conns = await Promise.all([1, 2, 3, 4].map(() => connectTeamDb(url)));
    try {
      const versions = await Promise.all(conns.map((c) => migrateServer(c)));
      expect(versions).toEqual([1, 2, 3, 4].map(() => latestServerVersion));
      const { rows } = await conns[0]!.query<{ version: number }>('SELECT version FROM agent_warden_schema ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(serverMigrations.map((m) => m.version));
    } finally {
      await Promise.all(conns.map((c) => c.end()));
    }
  });

  // Like the ledger's migrations test: every server schema a team may still run upgrades to the newest.
  it.each([0, ...serverMigrations.map((m) => m.version).filter((v) => v < latestServerVersion)])(
    'a team server at schema %i upgrades to the newest when a machine syncs, and the push lands',
    async (version) => {
      const url = await pg.createDatabase(`from_${version}`);
      const conn = await connectTeamDb(url);
      try {
        if (version > 0) {
          await conn.query('CREATE TABLE agent_warden_schema (version INTEGER PRIMARY KEY, why TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
          for (const m of serverMigrations.filter((m) => m.version <= version)) {
            await conn.query(m.sql);
            await conn.query('INSERT INTO agent_warden_schema (version, why) VALUES ($1, $2)', [m.version, m.why]);
          }
        }
      } finally {
        await conn.end();
      }
      const a = machine(url, 'ana');
      bill(a.db, 's1', [{ id: 'm1', tokens: 100 }]);
      const sync = new TeamSync();
      try {
        expect((await sync.run(a.db, a.config, PROJECT)).ok).toBe(true);
      } finally {
        await sync.close();
      }
      expect(await serverSum(url, 'ana')).toEqual({ tokens: 100, rows: 1 });
      const check = await connectTeamDb(url);
      try {
        const { rows } = await check.query<{ version: number }>('SELECT version FROM agent_warden_schema ORDER BY version');
        expect(rows.map((r) => r.version)).toEqual(serverMigrations.map((m) => m.version));
      } finally {
        await check.end();
      }
    },
  );

  it("a team budget counts the other machines' spend as last fetched, filtered like the budget, and this machine's alone once that figure is stale", async () => {
    const url = await pg.createDatabase('figure');
    const budgets = [
      { scope: 'day', limit_tokens: 10_000, team: true },
      { scope: 'day', limit_tokens: 10_000, team: true, agent_type: 'worker' },
      { scope: 'week', limit_tokens: 10_000, team: true, model: 'opus' },
    ];
    const a = machine(url, 'ana', budgets);
    const b = machine(url, 'ben', budgets, { max_staleness_seconds: 5 });
    bill(a.db, 'sa', [
      { id: 'a1', tokens: 1000 },
      { id: 'a2', tokens: 2000, agentId: 'ag', agentType: 'worker' },
      { id: 'a3', tokens: 4000, agentId: 'ag2', agentType: 'reviewer', model: 'claude-opus-4-5' },
    ]);
    bill(b.db, 'sb', [{ id: 'b1', tokens: 500 }]);
    const sync = new TeamSync();
    try {
      expect((await sync.run(a.db, a.config, PROJECT)).ok).toBe(true);
      await sync.close();
      const out = await sync.run(b.db, b.config, PROJECT);
      expect(out).toMatchObject({ ok: true, figures: 3 });
    } finally {
      await sync.close();
    }
    const now = Date.now();
    const spent = (config: Config, i: number, at = now) => {
      const s = evaluateBudget(b.db, config, config.budgets[i]!, { sessionId: 'sb', project: PROJECT }, at);
      return { spent: s.meters[0]!.spent, team: s.team?.status };
    };
    expect(spent(b.config, 0)).toEqual({ spent: 7500, team: 'fresh' });
    expect(spent(b.config, 1)).toEqual({ spent: 2000, team: 'fresh' });
    expect(spent(b.config, 2)).toEqual({ spent: 4000, team: 'fresh' });
    // `budget status` says whose spend it counted.
    const [row] = budgetStatus(b.db, b.config, { sessionId: 'sb', project: PROJECT }, now);
    expect(row).toMatchObject({ budget: 'day:team', spent: 7500, team: { fresh: true, other_machines: 1, why: null } });
    expect(budgetStatus(b.db, b.config, { sessionId: 'sb', project: PROJECT }, now + 6000)[0]!.team).toMatchObject({ fresh: false, why: expect.stringMatching(/last fetched \d+ s ago, more than team.max_staleness_seconds \(5\)/) });
    // Past max_staleness_seconds the figure is not used: this machine's spend only.
    expect(spent(b.config, 0, now + 6000)).toEqual({ spent: 500, team: 'unavailable' });
    // Without the team setting, a team budget is this machine's.
    const { team: _team, ...noTeam } = b.config;
    expect(spent(noTeam as Config, 0)).toEqual({ spent: 500, team: 'unavailable' });
  });

  it('an unreachable server fails the sync within a few seconds, records why, and keeps every row for later', async () => {
    const a = machine(`postgres://postgres@127.0.0.1:${pg.port + 1}/nothing`, 'ana');
    bill(a.db, 's1', [{ id: 'm1', tokens: 100 }]);
    const sync = new TeamSync();
    const out = await sync.run(a.db, a.config, PROJECT);
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/ECONNREFUSED/);
    expect(out.pending).toBe(1);
    expect((a.db.prepare("SELECT value FROM team_state WHERE key = 'last_error'").get() as { value: string }).value).toMatch(/ECONNREFUSED/);
  });
});

describe('the hook with no fresh team figure (PostgreSQL unreachable, no resident server)', () => {
  const dispatchEvent = (home: string, id: string) =>
    JSON.stringify({
      session_id: 'sess-team',
      transcript_path: path.join(home, 'none.jsonl'),
      cwd: home,
      permission_mode: 'default',
      hook_event_name: 'PreToolUse',
      tool_name: 'Agent',
      tool_input: { description: 'job', prompt: 'do it', subagent_type: 'general-purpose' },
      tool_use_id: id,
    });
  const home = (whenUnreachable: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-team-hook-'));
    dirs.push(dir);
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ team: { url: 'postgres://x@127.0.0.1:1/none', name: 'acme', when_unreachable: whenUnreachable }, budgets: [{ scope: 'day', limit_tokens: 100_000, team: true }] }),
    );
    return dir;
  };

  it('fails open by default: the dispatch runs on local spend and the model is told once', () => {
    const dir = home('local');
    const first = runHook(dispatchEvent(dir, 'toolu_1'), dir, { cwd: dir });
    expect(first.status).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out.hookSpecificOutput.permissionDecision ?? 'allow').not.toBe('deny');
    expect(out.hookSpecificOutput.additionalContext).toMatch(/^agent-warden: the team "acme" day budget counts this machine's spend only for now: the team's spend has not been fetched/);
    const second = runHook(dispatchEvent(dir, 'toolu_2'), dir, { cwd: dir });
    expect(second.status).toBe(0);
    expect(second.stdout).not.toMatch(/counts this machine's spend only/);
  });

  it('with when_unreachable "deny", refuses dispatches under team budgets and names the command that lifts it', () => {
    const dir = home('deny');
    const ran = runHook(dispatchEvent(dir, 'toolu_1'), dir, { cwd: dir });
    expect(ran.status).toBe(0);
    const out = JSON.parse(ran.stdout).hookSpecificOutput;
    expect(out.permissionDecision).toBe('deny');
    expect(out.permissionDecisionReason).toMatch(/^agent-warden: the team "acme" day budget cannot be checked: .*Dispatch denied \(team\.when_unreachable is "deny"\).*`[^`]*team sync`/);
  });
});

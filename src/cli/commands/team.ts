// `agent-warden team sync|status` and `report --team`: the team budgets' PostgreSQL side by hand.
// The resident MCP server syncs in the background (src/team/background.ts); these commands are for
// a machine without a running session, for checking, and for the team's report.
import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config/load';
import { openLedger, type Ledger } from '../../ledger/db';
import { projectOf, userConfigPath } from '../../runtime/paths';
import { readTeamState } from '../../core/budget/team-figure';
import { pendingCount } from '../../team/outbox';
import { connectTeamDb, pgErrorText, redactUrl } from '../../team/pg-client';
import { queryTeamReport, type TeamReport } from '../../team/report';
import { migrateServer } from '../../team/server-schema';
import { memberName, teamBudgets, TeamSync, type TeamConfig } from '../../team/sync';
import { UserError } from '../errors';
import { jsonOption } from '../flags';
import { fmtInt, fmtUsd, pc, printJson, table } from '../output';
import { parseSince } from '../time';

function teamConfig(project: string): { team: TeamConfig; config: ReturnType<typeof loadConfig>['config'] } {
  const { config } = loadConfig(project);
  if (!config.team) {
    throw new UserError('no "team" in your config, so there is no team server to use', `add "team": {"url": "postgres://user:password@host:5432/db", "name": "your-team"} to ${userConfigPath()}`);
  }
  return { team: config.team, config };
}

async function withWriteLedger<T>(fn: (db: Ledger) => Promise<T>): Promise<T> {
  const db = openLedger();
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

export function registerTeamCommands(program: Command): void {
  const team = program.command('team').description("team budgets: this machine's sync with the team's PostgreSQL");
  team
    .command('sync')
    .description("push this machine's usage to the team's PostgreSQL and fetch the team's spend now")
    .addOption(jsonOption())
    .action(async (opts) => {
      const project = projectOf(undefined);
      const { config } = teamConfig(project);
      const sync = new TeamSync();
      const out = await withWriteLedger((db) => sync.run(db, config, project)).finally(() => sync.close());
      if (opts.json) printJson(out);
      if (!out.ok) throw new UserError(`cannot sync with the team's PostgreSQL (${redactUrl(config.team!.url)}): ${out.error}`, "check that it runs and that team.url is right; this machine's usage stays in its outbox and is pushed once it answers");
      if (!opts.json) process.stdout.write(`pushed ${fmtInt(out.pushed)} usage rows (${fmtInt(out.pending)} still waiting); fetched the team's spend for ${out.figures} team budget${out.figures === 1 ? '' : 's'}\n`);
    });
  team
    .command('status')
    .description('the team setting, this machine\'s outbox and the last sync')
    .addOption(jsonOption())
    .action((opts) => {
      const project = projectOf(undefined);
      const { team: t, config } = teamConfig(project);
      const db = openLedger({ readonly: true });
      try {
        const num = (k: string) => {
          const v = readTeamState(db, k);
          return v === undefined ? null : Number(v);
        };
        const status = {
          team: t.name,
          member: memberName(t),
          url: redactUrl(t.url),
          machine_id: readTeamState(db, 'machine_id') ?? null,
          pending_rows: pendingCount(db),
          last_ok_at: iso(num('last_ok_at')),
          last_error: readTeamState(db, 'last_error') ?? null,
          last_error_at: iso(num('last_error_at')),
          refresh_seconds: t.refresh_seconds,
          max_staleness_seconds: t.max_staleness_seconds,
          when_unreachable: t.when_unreachable,
          team_budgets: teamBudgets(config).length,
        };
        if (opts.json) return printJson(status);
        const lines = Object.entries(status).map(([k, v]) => `${k.padEnd(22)} ${v ?? '-'}`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        db.close();
      }
    });
}

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

/** `report --team [--since …] [--json]`: pushes this machine's outbox first, so its latest spend is in. */
export async function teamReportCommand(opts: { since?: string; json?: boolean }): Promise<void> {
  const project = projectOf(undefined);
  const { team: t, config } = teamConfig(project);
  const sync = new TeamSync();
  try {
    await withWriteLedger((db) => sync.run(db, config, project));
  } catch {
    // A ledger this user cannot write: report what the server has.
  } finally {
    await sync.close();
  }
  let report: TeamReport;
  try {
    const pg = await connectTeamDb(t.url);
    try {
      await migrateServer(pg);
      report = await queryTeamReport(pg, t.name, parseSince(opts.since));
    } finally {
      await pg.end();
    }
  } catch (err) {
    throw new UserError(`cannot read the team's spend from its PostgreSQL (${redactUrl(t.url)}): ${pgErrorText(err, t.url)}`, "check that it runs and that team.url is right; `agent-warden report` shows this machine's spend");
  }
  if (opts.json) return printJson(report);
  const rows = report.members.flatMap((m) => [
    ...m.by_agent_type.map((a) => ({ member: m.member, agent_type: a.agent_type, tokens: a.tokens, cost: a.cost_usd })),
    { member: m.member, agent_type: pc.bold('all'), tokens: m.tokens, cost: m.cost_usd },
  ]);
  rows.push({ member: pc.bold('team total'), agent_type: '', tokens: report.total.tokens, cost: report.total.cost_usd });
  const grid = table(rows, [
    { header: 'member', value: (r) => r.member },
    { header: 'agent type', value: (r) => r.agent_type },
    { header: 'tokens', value: (r) => fmtInt(r.tokens), align: 'right' },
    { header: 'cost', value: (r) => fmtUsd(r.cost), align: 'right' },
  ]);
  process.stdout.write(`${pc.dim(`team "${report.team}", ${report.total.machines} machine(s), ${report.since ? `since ${report.since}` : 'all recorded spend'}`)}\n${grid}\n`);
}

// `agent-warden report --team`: the team's billed spend per member and agent type, read from the
// team's PostgreSQL (what every machine has pushed). `main` is the main thread, as in `metrics`.
import type { TeamDb } from './pg-client';

export interface TeamReportRow {
  member: string;
  agent_type: string;
  messages: number;
  tokens: number;
  cost_usd: number;
}

export interface TeamMemberSpend {
  member: string;
  machines: number;
  tokens: number;
  cost_usd: number;
  by_agent_type: Omit<TeamReportRow, 'member'>[];
}

export interface TeamReport {
  team: string;
  since: string | null;
  generated_at: string;
  members: TeamMemberSpend[];
  total: { tokens: number; cost_usd: number; machines: number };
}

export async function queryTeamReport(pg: TeamDb, team: string, since: number | undefined, now = Date.now()): Promise<TeamReport> {
  const { rows } = await pg.query<{ member: string; agent_type: string; machines: number; messages: string; tokens: string; cost_usd: number }>(
    `SELECT coalesce(m.member, u.machine_id) AS member,
            CASE WHEN u.agent_id = '' THEN 'main' ELSE coalesce(u.agent_type, 'unknown') END AS agent_type,
            count(DISTINCT u.machine_id)::int AS machines, count(*) AS messages,
            coalesce(sum(u.total_tokens), 0) AS tokens, coalesce(sum(u.cost_usd), 0)::float8 AS cost_usd
     FROM agent_warden_usage u
     LEFT JOIN agent_warden_members m ON m.team = u.team AND m.machine_id = u.machine_id
     WHERE u.team = $1 AND u.ts >= $2
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [team, since ?? 0],
  );
  const { rows: machineRows } = await pg.query<{ member: string; machines: number }>(
    `SELECT coalesce(m.member, u.machine_id) AS member, count(DISTINCT u.machine_id)::int AS machines
     FROM agent_warden_usage u LEFT JOIN agent_warden_members m ON m.team = u.team AND m.machine_id = u.machine_id
     WHERE u.team = $1 AND u.ts >= $2 GROUP BY 1`,
    [team, since ?? 0],
  );
  const machinesOf = new Map(machineRows.map((r) => [r.member, r.machines]));
  const members = new Map<string, TeamMemberSpend>();
  for (const r of rows) {
    const m = members.get(r.member) ?? { member: r.member, machines: machinesOf.get(r.member) ?? 1, tokens: 0, cost_usd: 0, by_agent_type: [] };
    const row = { agent_type: r.agent_type, messages: Number(r.messages), tokens: Number(r.tokens), cost_usd: round(r.cost_usd) };
    m.by_agent_type.push(row);
    m.tokens += row.tokens;
    m.cost_usd = round(m.cost_usd + row.cost_usd);
    members.set(r.member, m);
  }
  const list = [...members.values()];
  return {
    team,
    since: since ? new Date(since).toISOString() : null,
    generated_at: new Date(now).toISOString(),
    members: list,
    total: {
      tokens: list.reduce((n, m) => n + m.tokens, 0),
      cost_usd: round(list.reduce((n, m) => n + m.cost_usd, 0)),
      machines: machineRows.reduce((n, r) => n + r.machines, 0),
    },
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

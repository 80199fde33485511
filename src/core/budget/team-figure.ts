// What a team budget adds to this machine's own spend: the other machines' spend in the same window,
// as the resident server last fetched it from the team's PostgreSQL (src/team/sync.ts). Read from
// the local ledger only: PreToolUse never waits on the network. A figure older than
// team.max_staleness_seconds, of another window, or never fetched, is not used: the caller falls
// back to this machine's spend (or denies, with team.when_unreachable "deny") and says so.
import type { Budget, Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';

export type TeamFigure =
  | { status: 'fresh'; team: string; tokens: number; usd: number; unpricedTokens: number; machines: number; fetchedAt: number }
  | { status: 'unavailable'; team?: string; why: string; fetchedAt?: number };

/** Which spend a team budget counts, as a key of the cached figure (the window start is checked apart). */
export function teamSignature(b: Budget, project: string): string {
  return JSON.stringify([b.scope, b.agent_type ?? null, b.model ?? null, b.project ? project : null]);
}

export function readTeamState(db: Ledger, key: string): string | undefined {
  try {
    const row = db.prepare('SELECT value FROM team_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  } catch {
    return undefined; // a ledger older than the team tables (read-only snapshot): nothing synced yet
  }
}

/** The other machines' spend for this budget in the window starting at `windowStart` (rolling windows: any recent fetch). */
export function teamFigure(db: Ledger, config: Config, b: Budget, o: { project: string; windowStart: number; rolling: boolean; now: number }): TeamFigure {
  const team = config.team;
  if (!team) return { status: 'unavailable', why: 'your config has no "team" setting, so only this machine\'s spend is counted' };
  const maxAge = team.max_staleness_seconds * 1000;
  let row: { window_start: number; tokens: number; usd: number; unpriced_tokens: number; machines: number; fetched_at: number } | undefined;
  try {
    row = db.prepare('SELECT window_start, tokens, usd, unpriced_tokens, machines, fetched_at FROM team_totals WHERE sig = ?').get(teamSignature(b, o.project)) as typeof row;
  } catch {
    row = undefined;
  }
  const lastError = readTeamState(db, 'last_error');
  const because = lastError ? ` (last attempt: ${lastError})` : ' (is the agent-warden MCP server running? `agent-warden team sync` fetches it by hand)';
  if (!row) return { status: 'unavailable', team: team.name, why: `the team's spend has not been fetched from its PostgreSQL yet${because}` };
  if (!o.rolling && row.window_start !== o.windowStart) return { status: 'unavailable', team: team.name, why: `the team's spend was last fetched for an earlier window${because}`, fetchedAt: row.fetched_at };
  const age = o.now - row.fetched_at;
  if (age > maxAge) {
    return { status: 'unavailable', team: team.name, why: `the team's spend was last fetched ${Math.round(age / 1000)} s ago, more than team.max_staleness_seconds (${team.max_staleness_seconds})${because}`, fetchedAt: row.fetched_at };
  }
  return { status: 'fresh', team: team.name, tokens: row.tokens, usd: row.usd, unpricedTokens: row.unpriced_tokens, machines: row.machines, fetchedAt: row.fetched_at };
}

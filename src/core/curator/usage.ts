// How often each agent type was dispatched in a project, read from the ledger's `dispatches` table.
// Rows are grouped per hour in SQL (an hour is nothing against a 14-day half-life), so the result
// stays small however long the history; the decay itself is computed in ./rank.ts.
import type { SqliteDb as Database } from '../../ledger/driver';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

export interface UsageBucket {
  /** Start of the hour (ms epoch). */
  hourStart: number;
  status: string;
  viaProxy: boolean;
  count: number;
}

export interface AgentUsage {
  agentType: string;
  dispatches: number;
  byStatus: Partial<Record<string, number>>;
  viaProxy: number;
  lastUsedAt: number;
  buckets: UsageBucket[];
}

export interface UsageOptions {
  /** Ignore dispatches older than this (ms); by default 10 half-lives, where a use weighs < 0.1%. */
  horizonMs?: number;
  halfLifeDays?: number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

export function readUsage(db: Database, project: string, now: number, opts: UsageOptions = {}): Map<string, AgentUsage> {
  const horizonMs = opts.horizonMs ?? 10 * (opts.halfLifeDays ?? 14) * DAY;
  const projects = projectKeys(project);
  const rows = db
    .prepare(
      `SELECT agent_type AS agentType, status, via_proxy AS viaProxy,
              CAST(started_at / ${HOUR} AS INTEGER) * ${HOUR} AS hourStart, COUNT(*) AS count, MAX(started_at) AS lastAt
         FROM dispatches
        WHERE project IN (${projects.map(() => '?').join(', ')})
          AND started_at >= ? AND agent_type IS NOT NULL AND agent_type != ''
        GROUP BY agent_type, status, via_proxy, hourStart`,
    )
    .all(...projects, now - horizonMs) as Array<{
    agentType: string;
    status: string;
    viaProxy: number | null;
    hourStart: number;
    count: number;
    lastAt: number;
  }>;

  const usage = new Map<string, AgentUsage>();
  for (const row of rows) {
    let agent = usage.get(row.agentType);
    if (!agent) {
      agent = { agentType: row.agentType, dispatches: 0, byStatus: {}, viaProxy: 0, lastUsedAt: 0, buckets: [] };
      usage.set(row.agentType, agent);
    }
    const viaProxy = row.viaProxy === 1;
    agent.dispatches += row.count;
    agent.byStatus[row.status] = (agent.byStatus[row.status] ?? 0) + row.count;
    if (viaProxy) agent.viaProxy += row.count;
    agent.lastUsedAt = Math.max(agent.lastUsedAt, row.lastAt);
    agent.buckets.push({ hourStart: row.hourStart, status: row.status, viaProxy, count: row.count });
  }
  return usage;
}

/**
 * A cheap fingerprint of the project's dispatch history: it changes when a dispatch is added or
 * changes status. The watcher polls it instead of re-reading usage.
 */
export function usageSignature(db: Database, project: string): string {
  const projects = projectKeys(project);
  const rows = db
    .prepare(
      `SELECT status, COUNT(*) AS n, MAX(rowid) AS last FROM dispatches
        WHERE project IN (${projects.map(() => '?').join(', ')}) GROUP BY status ORDER BY status`,
    )
    .all(...projects) as Array<{ status: string; n: number; last: number }>;
  return rows.map((r) => `${r.status}:${r.n}:${r.last}`).join('|');
}

// Hooks record Claude Code's project dir as given; a symlinked checkout may appear either way.
function projectKeys(project: string): string[] {
  const keys = new Set([resolve(project)]);
  try {
    keys.add(realpathSync(project));
  } catch {
    // A project that no longer exists has only its recorded name.
  }
  return [...keys];
}

// What a report looks at: a time window, one project (or all), optionally one agent type or
// session. One WHERE builder so every report (usage, failures, optimize) filters the same way.
export interface ReportScope {
  since?: number;
  until?: number;
  /** undefined means every project. */
  project?: string;
  agentType?: string;
  sessionId?: string;
}

export interface SqlFilter {
  where: string;
  args: unknown[];
}

/** Conditions on the `dispatches d` alias; `extra` conditions are ANDed in. */
export function dispatchWhere(scope: ReportScope, extra: string[] = []): SqlFilter {
  const where = [...extra];
  const args: unknown[] = [];
  if (scope.since !== undefined) (where.push('d.started_at >= ?'), args.push(scope.since));
  if (scope.until !== undefined) (where.push('d.started_at < ?'), args.push(scope.until));
  if (scope.project !== undefined) (where.push('d.project = ?'), args.push(scope.project));
  if (scope.agentType) (where.push('d.agent_type = ?'), args.push(scope.agentType));
  if (scope.sessionId) (where.push('d.session_id = ?'), args.push(scope.sessionId));
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

/** The same scope over main-thread usage rows (`usage u`, agent_id = ''). */
export function mainUsageWhere(scope: ReportScope): SqlFilter {
  const where = [`u.agent_id = ''`];
  const args: unknown[] = [];
  if (scope.since !== undefined) (where.push('u.ts >= ?'), args.push(scope.since));
  if (scope.until !== undefined) (where.push('u.ts < ?'), args.push(scope.until));
  if (scope.project !== undefined) (where.push('u.project = ?'), args.push(scope.project));
  if (scope.sessionId) (where.push('u.session_id = ?'), args.push(scope.sessionId));
  return { where: `WHERE ${where.join(' AND ')}`, args };
}

export const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

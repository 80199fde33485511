// The JSON Claude Code hands a statusLine command on stdin, reduced to what the line shows.
// Untrusted: every field is checked, strings are bounded, and anything unexpected is left out.
import { parseRateLimits, type RateWindow } from '../core/windows/rate-limits';

export interface StatusInput {
  sessionId?: string;
  /** The project dir (workspace.project_dir), else cwd. */
  project?: string;
  /** Claude Code's own running total for the session (cost.total_cost_usd). */
  costUsd?: number;
  windows: RateWindow[];
}

const str = (v: unknown, max = 4096): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

export function parseStatusInput(text: string): StatusInput {
  const raw: unknown = text.trim() ? JSON.parse(text) : {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('status input is not a JSON object');
  const j = raw as Record<string, any>;
  const workspace = typeof j.workspace === 'object' && j.workspace !== null ? j.workspace : {};
  const cost = typeof j.cost === 'object' && j.cost !== null ? j.cost.total_cost_usd : undefined;
  return {
    sessionId: str(j.session_id, 200),
    project: str(workspace.project_dir) ?? str(j.cwd) ?? str(workspace.current_dir),
    costUsd: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined,
    windows: parseRateLimits(j.rate_limits),
  };
}

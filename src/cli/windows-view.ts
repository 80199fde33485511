// Claude's windows for people: the standing level of each, and per window period its peak and the
// time it stood at or above a window budget's limit. Shared by `windows`, `budget status` and `report`.
import { duration } from '../core/budget/window';
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { isWindowBudget } from '../core/windows/policy';
import { standingWindows, windowHistory, type StandingWindow, type WindowHistoryRow } from '../core/windows/ledger';
import { windowLabel } from '../core/windows/rate-limits';
import { pc, table } from './output';

export interface WindowsData {
  standing: (StandingWindow & { limit_percent: number | null; resets_at_iso: string })[];
  history: WindowHistoryRow[];
}

export function windowLimits(config: Config): Map<string, number> {
  const limits = new Map<string, number>();
  for (const b of config.budgets) if (isWindowBudget(b)) limits.set(b.scope, Math.min(limits.get(b.scope) ?? Infinity, b.limit_percent));
  return limits;
}

export function windowRows(db: Ledger, config: Config, now: number, days = 7): WindowsData {
  const limits = windowLimits(config);
  return {
    standing: standingWindows(db, now).map((w) => ({ ...w, limit_percent: limits.get(w.window) ?? null, resets_at_iso: new Date(w.resets_at * 1000).toISOString() })),
    history: windowHistory(db, limits, now - days * 86_400_000, now),
  };
}

export function windowHistoryText(d: WindowsData, now: number): string {
  if (!d.history.length) return "No window levels recorded yet: they come from Claude Code's status line (`agent-warden statusline install`), for Pro and Max subscribers.";
  const out: string[] = [];
  if (d.standing.length) {
    out.push(
      'Now: ' +
        d.standing
          .map((w) => `${windowLabel(w.window)} ${levelText(w.used_percentage, w.limit_percent)}${w.limit_percent !== null ? ` (limit ${w.limit_percent}%)` : ''}, resets in ${duration(w.resets_at * 1000 - now)}`)
          .join('; '),
    );
  }
  out.push(
    table(d.history, [
      { header: 'window', value: (r) => r.window },
      { header: 'period ends', value: (r) => r.resets_at.replace('T', ' ').slice(0, 16) },
      { header: 'peak', value: (r) => levelText(r.peak_percent, r.limit_percent), align: 'right' },
      { header: 'last', value: (r) => `${r.last_percent}%`, align: 'right' },
      { header: 'limit', value: (r) => (r.limit_percent === null ? '' : `${r.limit_percent}%`), align: 'right' },
      { header: 'at/above limit', value: (r) => (r.ms_at_or_above_limit === null ? '' : duration(r.ms_at_or_above_limit)), align: 'right' },
      { header: 'snapshots', value: (r) => String(r.snapshots), align: 'right' },
    ]),
  );
  return out.join('\n');
}

const levelText = (p: number, limit: number | null) => (limit !== null && p >= limit ? pc.red(`${p}%`) : `${p}%`);

/** `budget status --json` rows for window budgets: unit "percent", the standing level against the limit. */
export function windowBudgetRows(config: Config, d: WindowsData, now: number) {
  return [...windowLimits(config)].map(([window, limit]) => {
    const w = d.standing.find((s) => s.window === window);
    const periods = d.history.filter((h) => h.window === window);
    return {
      budget: window,
      scope: window,
      unit: 'percent' as const,
      spent: w?.used_percentage ?? null,
      limit,
      percent: w?.used_percentage ?? null,
      resets_at: w ? new Date(w.resets_at * 1000).toISOString() : null,
      resets_in_ms: w ? w.resets_at * 1000 - now : null,
      reported_at: w ? new Date(w.seen_at).toISOString() : null,
      peak_percent_7d: periods.length ? Math.max(...periods.map((p) => p.peak_percent)) : null,
      ms_at_or_above_limit_7d: periods.reduce((n, p) => n + (p.ms_at_or_above_limit ?? 0), 0),
    };
  });
}

// What the model and the user are told about a window budget: the window, its level against the
// limit, when it resets, and the command that lifts it for this session.
import { duration, localTime, systemTimeZone } from '../budget/window';
import { windowLabel, type RateWindow } from './rate-limits';

export function windowRefusal(w: RateWindow, limit: number, o: { sessionId: string; now: number; timeZone?: string }): string {
  const resets = w.resets_at * 1000;
  return (
    `agent-warden: Claude's ${windowLabel(w.window)} stands at ${fmtPercent(w.used_percentage)} (limit ${fmtPercent(limit)}); ` +
    `it resets ${localTime(resets, o.timeZone ?? systemTimeZone())} (in ${duration(Math.max(0, resets - o.now))}). ` +
    `Dispatch denied; do not retry it: do the work without a subagent or tell the user. ` +
    `To go on, the user can lift it for this session (\`agent-warden windows lift --session ${o.sessionId} --window ${w.window}\`) ` +
    `or change the limit under "budgets" in ~/.claude/agent-warden/config.json.`
  );
}

export const fmtPercent = (p: number) => `${Math.round(p * 10) / 10}%`;

// What the model is told when a spawn cap refuses a dispatch: which cap, where the session stands,
// and the command that lifts it for this session.
import type { CapName, CapState } from './caps';

const what: Record<CapName, (n: number) => string> = {
  max_per_session: (n) => `${n} subagent${n === 1 ? '' : 's'} per session`,
  max_depth: (n) => `dispatches nested ${n} deep`,
  max_running: (n) => `${n} subagent${n === 1 ? '' : 's'} running at once`,
};

function where(s: CapState): string {
  if (s.cap === 'max_per_session') return `this session has started ${s.current}`;
  if (s.cap === 'max_running') return `${s.current} are running now`;
  return `this dispatch would be at depth ${s.current}`;
}

export function capReason(s: CapState, sessionId: string): string {
  const raised = s.raised ? ` (including an override of ${s.raised})` : '';
  const retry = s.cap === 'max_running' ? 'wait for a running subagent to finish, do the work yourself' : 'do the work yourself without a subagent';
  return (
    `agent-warden: the spawn cap ${s.cap} allows ${what[s.cap](s.limit)}${raised} and ${where(s)}. Dispatch denied; ${retry}, or tell the user. ` +
    `To go on, the user can lift it for this session (\`agent-warden spawn override --session ${sessionId} --cap ${s.cap} --add ${s.cap === 'max_depth' ? 1 : Math.max(1, s.limit)}\`) ` +
    `or edit "spawn" in ~/.claude/agent-warden/config.json or .claude/agent-warden.json.`
  );
}

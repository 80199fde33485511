// Spawn caps at PreToolUse on the subagent tool: too many subagents in a session, too many at
// once, or nested too deep. Runs inside the hook's write transaction like the budget policy, so
// parallel dispatches see each other and cannot all slip past a cap together.
import type { PreToolPolicy } from '../policy/interface';
import { capStates, isPast } from './caps';
import { capReason } from './messages';

export const spawnCapPolicy: PreToolPolicy = (ctx, call) => {
  if (!call.isDispatch) return undefined;
  const { spawn } = ctx.config;
  if (spawn.max_per_session === undefined && spawn.max_depth === undefined && spawn.max_running === undefined) return undefined;
  const past = capStates(ctx.db, ctx.config, { sessionId: call.sessionId, agentId: call.agentId, exceptToolUseId: call.toolUseId }).find(isPast);
  if (!past) return undefined;
  const reason = capReason(past, call.sessionId);
  return { deny: { policy: 'spawn', reason }, dispatch: { reserved_tokens: 0 } };
};

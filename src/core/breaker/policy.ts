// The breaker at PreToolUse: refuses a call (or a dispatch of an agent type) that keeps failing
// with nothing succeeding in between, offers one trial after the cooldown, and warns the model
// when a session's failures pile up. State lives in the ledger, so it holds across hook processes.
import { prepared } from '../../ledger/prepared';
import type { Config } from '../../runtime/config/schema';
import type { CircuitChange, Notice, PolicyContext, PreToolCall, PreToolPolicy, Verdict } from '../policy/interface';
import type { Ledger } from '../../ledger/db';
import { decideCircuit, type CircuitDecision } from './circuit';
import { agentDenial, callDenial, errorRateWarning, trialRunning } from './messages';
import { agentStreak, callStreak, readCircuit, recentFailures, trialOutcome } from './streaks';

export const ERROR_RATE_NOTICE = 'breaker:error_rate';

/** Circuit keys: a call is watched per thread (main or one subagent); an agent type per session. */
export const callCircuitKey = (agentId: string, callKey: string) => `call:${agentId || 'main'}:${callKey}`;
export const agentCircuitKey = (agentType: string) => `agent:${agentType}`;

export const breakerPolicy: PreToolPolicy = (ctx, call) => {
  const settings = ctx.config.breaker;
  if (!settings.enabled || settings.exempt_tools.includes(call.toolName)) return undefined;
  const changes: CircuitChange[] = [];
  let deny: Verdict['deny'];

  const decisions: Array<[CircuitDecision, (c: CircuitChange, now: number) => string]> = [];
  if (call.isDispatch && call.agentType) decisions.push([agentCircuit(ctx, call), agentDenial]);
  decisions.push([callCircuit(ctx, call), callDenial]);
  for (const [d, message] of decisions) {
    if (d.change) changes.push(d.change);
    if (!d.allow && !deny) deny = { policy: 'breaker', reason: d.why === 'trial_running' ? trialRunning(d.snapshot) : message(d.snapshot, ctx.now) };
    if (deny) break;
  }

  const warning = errorRate(ctx.db, ctx.config, call.sessionId, ctx.now);
  if (!deny && !changes.length && !warning) return undefined;
  return { deny, circuits: changes, context: warning?.context, notices: warning ? [warning.notice] : undefined };
};

function callCircuit(ctx: PolicyContext, call: PreToolCall): CircuitDecision {
  const key = callCircuitKey(call.agentId, call.callKey);
  const row = readCircuit(ctx.db, call.sessionId, key);
  return decideCircuit({
    key,
    kind: 'call',
    label: summaryOf(ctx.db, call),
    row,
    streak: callStreak(ctx.db, call.sessionId, call.agentId, call.callKey),
    trial: trialOutcome(ctx.db, call.sessionId, row),
    threshold: ctx.config.breaker.max_consecutive_failures,
    baseCooldownMs: ctx.config.breaker.cooldown_minutes * 60_000,
    now: ctx.now,
    toolUseId: call.toolUseId,
  });
}

function agentCircuit(ctx: PolicyContext, call: PreToolCall): CircuitDecision {
  const type = call.agentType!;
  const key = agentCircuitKey(type);
  const row = readCircuit(ctx.db, call.sessionId, key);
  // A closed row marks a reset or a successful trial: failures before it no longer count.
  const since = row?.state === 'closed' ? (row.updated_at ?? 0) : 0;
  return decideCircuit({
    key,
    kind: 'agent',
    label: type,
    row,
    streak: agentStreak(ctx.db, call.sessionId, type, since),
    trial: trialOutcome(ctx.db, call.sessionId, row),
    threshold: ctx.config.breaker.agent_max_consecutive_failures,
    baseCooldownMs: ctx.config.breaker.cooldown_minutes * 60_000,
    now: ctx.now,
    toolUseId: call.toolUseId,
  });
}

/** The label the ledger already holds for this call (redacted per the privacy setting). */
function summaryOf(db: Ledger, call: PreToolCall): string {
  const row = prepared(db, 'SELECT summary FROM tool_calls WHERE session_id = ? AND tool_use_id = ?').get(call.sessionId, call.toolUseId) as { summary: string | null } | undefined;
  return row?.summary ?? call.toolName;
}

/** More than `error_rate_failures` failures within `error_rate_minutes`: one warning per window. */
function errorRate(db: Ledger, config: Config, sessionId: string, now: number): { context: string; notice: Notice } | undefined {
  const { error_rate_failures: limit, error_rate_minutes: minutes, exempt_tools } = config.breaker;
  const windowStart = now - minutes * 60_000;
  const failures = recentFailures(db, sessionId, windowStart, exempt_tools);
  if (failures <= limit) return undefined;
  const warned = prepared(db, 'SELECT 1 FROM budget_notices WHERE budget_key = ? AND session_id = ? AND window_start > ?')
    .get(ERROR_RATE_NOTICE, sessionId, windowStart);
  if (warned) return undefined;
  return { context: errorRateWarning(failures, minutes), notice: { budget_key: ERROR_RATE_NOTICE, window_start: now, threshold: limit } };
}

// Projections: sessions, tool calls, usage, dispatches, agent runs, circuits, budget notices.
// Each event updates them through merges that do not depend on arrival order (min/max times,
// flags, upserts keyed by ids), so replaying the log in any order converges to the same state.
// The handlers live in ./projections, one file per table; this table composes them per event kind,
// in the order their SQL runs.
import type { Ledger } from './db';
import type { StoredEvent } from './events';
import * as agentRuns from './projections/agent-runs';
import * as decisions from './projections/decisions';
import * as dispatches from './projections/dispatches';
import * as rateLimits from './projections/rate-limits';
import * as sessions from './projections/sessions';
import * as toolCalls from './projections/tool-calls';
import type { Handler, ProjectionContext } from './projections/types';
import * as usage from './projections/usage';

export type { ProjectionContext } from './projections/types';
export { isAgentTool } from './projections/dispatches';

const noop: Handler = () => {};

/** Runs each handler in turn. */
const all =
  (...steps: Handler[]): Handler =>
  (db, ev, ctx) => {
    for (const step of steps) step(db, ev, ctx);
  };

const handlers: Record<string, Handler> = {
  SessionStart: noop,
  SessionEnd: sessions.sessionEnd,
  PreToolUse: all(toolCalls.preToolUse, dispatches.preToolUse),
  PostToolUse: all(toolCalls.postToolUse, dispatches.postToolUse),
  PostToolUseFailure: all(toolCalls.postToolUseFailure, dispatches.postToolUseFailure),
  SubagentStart: agentRuns.subagentStart,
  SubagentStop: all(agentRuns.subagentStop, toolCalls.subagentStop, dispatches.subagentStop),
  Stop: toolCalls.stop,
  UserPromptSubmit: noop,
  malformed: noop,

  /** New assistant messages read from the main transcript. */
  transcript_usage: all(usage.transcriptUsage, sessions.transcriptOffset),
  /** The main thread's tool calls read from its transcript at a turn's end. */
  transcript_calls: all(toolCalls.transcriptCalls, dispatches.transcriptCalls, sessions.callsOffset),
  agent_transcript: agentRuns.agentTranscript,
  agent_link: agentRuns.agentLink,
  /** A running subagent's transcript read incrementally at its tool calls. */
  agent_usage: agentRuns.agentUsage,
  /** A decision made at PreToolUse: denials, reservations, proxy rewrites, circuit changes, notices. */
  decision: all(toolCalls.decision, dispatches.decision, decisions.decision),
  prompt_tokens: dispatches.promptTokens,
  budget_override: decisions.budgetOverride,
  spawn_override: decisions.spawnOverride,
  breaker_reset: all(decisions.breakerReset, toolCalls.breakerReset),
  /** A session read from Claude Code's history by `agent-warden import`. */
  session_imported: sessions.sessionImported,
  /** A snapshot of Claude Code's rate-limit windows, from its status line. */
  rate_limits: rateLimits.rateLimits,
  window_lift: rateLimits.windowLift,
};

export function project(db: Ledger, ev: StoredEvent, ctx: ProjectionContext): void {
  if (ev.sessionId) sessions.touchSession(db, ev);
  const handler = handlers[ev.kind];
  if (handler) handler(db, ev, ctx);
}

// usage_buckets (budget window sums) is kept by triggers on usage (migration 10): emptied first, so
// deleting usage rows after it has nothing left to subtract from.
export const projectionTables = ['sessions', 'usage_buckets', 'usage', 'tool_calls', 'dispatches', 'agent_runs', 'circuits', 'budget_notices', 'budget_overrides', 'cost_states', 'learned_rates', 'spawn_overrides', 'rate_limit_windows', 'window_lifts'] as const;

// Projections: sessions, tool calls, usage, dispatches, agent runs, circuits, budget notices.
// Each event updates them through merges that do not depend on arrival order (min/max times,
// flags, upserts keyed by ids), so replaying the log in any order converges to the same state.
// The handlers live in ./projections, one file per table; this table composes them per event kind,
// in the order their SQL runs.
import type { Ledger } from './db';
import type { EventKind } from './event-kinds';
import { appendEvent, type NewEvent, type StoredEvent } from './events';
import * as agentRuns from './projections/agent-runs';
import * as decisions from './projections/decisions';
import * as dispatches from './projections/dispatches';
import * as rateLimits from './projections/rate-limits';
import * as sessions from './projections/sessions';
import * as toolCalls from './projections/tool-calls';
import type { ProjectionContext, ProjectionTable, Projector } from './projections/types';
import * as usage from './projections/usage';

export type { ProjectionContext, ProjectionTable, Projector } from './projections/types';

const noop = () => {};

/** Runs each step in turn. */
const all =
  <K extends EventKind>(...steps: Projector<K>[]): Projector<K> =>
  (db, ev, ctx) => {
    for (const step of steps) step(db, ev, ctx);
  };

/**
 * What each kind of event changes, in the order its SQL runs. Keyed by the closed list of kinds:
 * a kind without an entry here does not type-check.
 */
export const projectors = {
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
  /** Counted (sessions.events stays as it was: only hook kinds count), nothing else. */
  unhandled_hook: noop,

  transcript_usage: all(usage.transcriptUsage, sessions.transcriptOffset),
  transcript_calls: all(toolCalls.transcriptCalls, dispatches.transcriptCalls, sessions.callsOffset),
  agent_transcript: agentRuns.agentTranscript,
  agent_link: agentRuns.agentLink,
  agent_usage: agentRuns.agentUsage,
  decision: all(toolCalls.decision, dispatches.decision, decisions.decision),
  prompt_tokens: dispatches.promptTokens,
  budget_override: decisions.budgetOverride,
  spawn_override: decisions.spawnOverride,
  breaker_reset: all(decisions.breakerReset, toolCalls.breakerReset),
  session_imported: sessions.sessionImported,
  rate_limits: rateLimits.rateLimits,
  window_lift: rateLimits.windowLift,
} satisfies ProjectionTable;

export function project(db: Ledger, ev: StoredEvent, ctx: ProjectionContext): void {
  if (ev.sessionId) sessions.touchSession(db, ev);
  // A kind an older version wrote and this one no longer knows has no projector.
  const projector = (projectors as Partial<ProjectionTable>)[ev.kind] as Projector<typeof ev.kind> | undefined;
  projector?.(db, ev, ctx);
}

/**
 * Appends one event and applies it to the projections, in one transaction: an immediate one on its
 * own (it writes, so it takes the write lock first), a savepoint inside a caller's. Undefined when the log already holds its uid: a replay, nothing changed.
 */
export function record<K extends EventKind>(db: Ledger, event: NewEvent<K>, ctx: ProjectionContext): StoredEvent<K> | undefined {
  return db.transaction(() => {
    const stored = appendEvent(db, event);
    if (stored) project(db, stored, ctx);
    return stored as StoredEvent<K> | undefined;
  }).immediate();
}

/**
 * record() for a writer that holds one transaction over many events (an import batch, whose
 * events it never retries one by one): no savepoint per event. A savepoint copies every page the
 * event touches into SQLite's sub-journal (a temp file past 64 KB); and an error here aborts the caller's whole
 * transaction, as it would after the savepoint rolled back.
 */
export function recordInBatch<K extends EventKind>(db: Ledger, event: NewEvent<K>, ctx: ProjectionContext): StoredEvent<K> | undefined {
  const stored = appendEvent(db, event);
  if (stored) project(db, stored, ctx);
  return stored as StoredEvent<K> | undefined;
}

// usage_buckets (budget window sums) is kept by triggers on usage (migration 10): emptied first, so
// deleting usage rows after it has nothing left to subtract from.
export const projectionTables = ['sessions', 'usage_buckets', 'usage', 'tool_calls', 'dispatches', 'agent_runs', 'circuits', 'budget_notices', 'budget_overrides', 'cost_states', 'learned_rates', 'spawn_overrides', 'rate_limit_windows', 'window_lifts'] as const;

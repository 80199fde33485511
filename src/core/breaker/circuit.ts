// One circuit's state machine, as a pure function: the stored row, the failure streak read from
// the ledger and the trial's outcome in, the decision and the row to store out.
//   closed --N consecutive failures--> open --cooldown over--> half_open (one trial)
//   half_open --trial succeeds--> closed;  --trial fails--> open with the cooldown doubled
// A call circuit also closes when the thread made progress (another call succeeded) since it opened.
import type { CircuitChange } from '../policy/interface';

export type CircuitState = 'open' | 'half_open' | 'closed';

export interface CircuitRow {
  key: string;
  kind: 'call' | 'agent';
  label: string | null;
  state: CircuitState;
  failures: number;
  opened_at: number | null;
  cooldown_ms: number | null;
  last_error: string | null;
  trial_tool_use_id: string | null;
  updated_at: number | null;
}

export interface Streak {
  failures: number;
  lastError: string | null;
  lastFailedAt: number | null;
}

/** How the half-open trial ended: still running, failed (at `endedAt`), succeeded, or never ran (denied elsewhere). */
export type TrialOutcome = { status: 'running' } | { status: 'failed'; endedAt: number | null } | { status: 'succeeded' } | { status: 'none' };

export interface CircuitInput {
  key: string;
  kind: 'call' | 'agent';
  label: string;
  row: CircuitRow | undefined;
  streak: Streak;
  trial: TrialOutcome;
  threshold: number;
  baseCooldownMs: number;
  now: number;
  toolUseId: string;
}

export type CircuitDecision =
  | { allow: true; change?: CircuitChange; trial?: boolean }
  | { allow: false; change?: CircuitChange; why: 'open' | 'trial_running'; snapshot: CircuitChange };

/** Doubling stops here, so a circuit tripped all afternoon still offers a trial each day. */
export const MAX_COOLDOWN_MS = 24 * 60 * 60_000;

export function decideCircuit(input: CircuitInput): CircuitDecision {
  const { row, streak, now } = input;
  const base = { key: input.key, kind: input.kind, label: input.label };
  const state = row?.state ?? 'closed';

  if (state === 'half_open' && row) {
    const trial = input.trial;
    if (trial.status === 'running') return { allow: false, why: 'trial_running', snapshot: snapshot(row) };
    if (trial.status === 'none') return { allow: true, trial: true, change: { ...snapshot(row), trial_tool_use_id: input.toolUseId } };
    if (trial.status === 'failed') {
      const reopened: CircuitChange = {
        ...base,
        state: 'open',
        failures: Math.max(streak.failures, row.failures + 1),
        opened_at: trial.endedAt ?? now,
        cooldown_ms: Math.min(MAX_COOLDOWN_MS, (row.cooldown_ms ?? input.baseCooldownMs) * 2),
        last_error: streak.lastError ?? row.last_error ?? undefined,
      };
      return fromOpen(reopened, input, true);
    }
    // The trial succeeded: closed again, and this call is judged afresh.
    return fromClosed(input, { ...base, state: 'closed', failures: 0 });
  }

  if (state === 'open' && row) {
    if (input.kind === 'call' && streak.failures < input.threshold) return { allow: true, change: { ...base, state: 'closed', failures: 0 } };
    return fromOpen(snapshot(row), input, false);
  }

  return fromClosed(input, undefined);
}

function fromClosed(input: CircuitInput, closing: CircuitChange | undefined): CircuitDecision {
  const { streak } = input;
  if (streak.failures < input.threshold) return { allow: true, change: closing };
  const opened: CircuitChange = {
    key: input.key,
    kind: input.kind,
    label: input.label,
    state: 'open',
    failures: streak.failures,
    // The cooldown runs from the failure that tripped it, not from the retry that found it open.
    opened_at: streak.lastFailedAt ?? input.now,
    cooldown_ms: input.baseCooldownMs,
    last_error: streak.lastError ?? undefined,
  };
  return fromOpen(opened, input, true);
}

function fromOpen(open: CircuitChange, input: CircuitInput, changed: boolean): CircuitDecision {
  if (input.now < reopensAt(open)) return { allow: false, why: 'open', snapshot: open, change: changed ? open : undefined };
  return { allow: true, trial: true, change: { ...open, state: 'half_open', trial_tool_use_id: input.toolUseId } };
}

export function reopensAt(c: { opened_at?: number | null; cooldown_ms?: number | null }): number {
  return (c.opened_at ?? 0) + (c.cooldown_ms ?? 0);
}

function snapshot(row: CircuitRow): CircuitChange {
  return {
    key: row.key,
    kind: row.kind,
    label: row.label ?? undefined,
    state: row.state,
    failures: row.failures,
    opened_at: row.opened_at ?? undefined,
    cooldown_ms: row.cooldown_ms ?? undefined,
    last_error: row.last_error ?? undefined,
    trial_tool_use_id: row.trial_tool_use_id ?? undefined,
  };
}

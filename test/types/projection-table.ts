// Compile-time checks, run by `tsc --noEmit -p .` (the first step of `npm test`); never executed.
// Each `@ts-expect-error` line must fail to type-check: if the types stopped rejecting it, the
// directive itself would be reported as unused and type-checking would fail.
import type { Ledger } from '../../src/ledger/db';
import type { EventKind } from '../../src/ledger/event-kinds';
import { projectors, record, type ProjectionTable } from '../../src/ledger/project';

// The real table covers every kind.
export const complete: ProjectionTable = projectors;

// A table that leaves one kind out (here the last one added) is refused: adding a kind to
// ledger/event-kinds.ts without its projector fails the same way in ledger/project.ts.
const { window_lift: _left, ...missingOne } = projectors;
// @ts-expect-error window_lift has no projector
export const incomplete: ProjectionTable = missingOne;

// A projector for one kind cannot stand in for another's (payloads differ).
// @ts-expect-error prompt_tokens' projector reads a prompt_tokens payload, not a SessionEnd one
export const swapped: ProjectionTable = { ...projectors, SessionEnd: projectors.prompt_tokens };

declare const db: Ledger;
const ctx = { pricing: {} };
export function producers(): void {
  record(db, { kind: 'prompt_tokens', receivedAt: 0, source: 'cli', payload: { tool_use_id: 'toolu_1', tokens: 12 } }, ctx);
  // @ts-expect-error a kind outside the closed list
  record(db, { kind: 'prompt_token', receivedAt: 0, source: 'cli', payload: { tool_use_id: 'toolu_1', tokens: 12 } }, ctx);
  // @ts-expect-error a payload that is not its kind's
  record(db, { kind: 'prompt_tokens', receivedAt: 0, source: 'cli', payload: { tool_use_id: 'toolu_1', tokens: '12' } }, ctx);
}

// The list is closed: a string is not a kind.
// @ts-expect-error
export const notAKind: EventKind = 'spawn_caps';

/**
 * One session with every kind of dispatch: two in the foreground, one in the background and one
 * nested (a general-purpose subagent dispatches a code-reviewer of its own). Used wherever a test
 * must show "every dispatch is in the ledger" (issue 17: first session offline, newest client).
 */
import { expect } from 'vitest';
import { bash, conversation, dispatch, text } from './conversation';
import type { CliResult } from './claude-cli';

export const REVIEWER = {
  name: 'code-reviewer',
  description: 'Reviews code for bugs. Use after writing code.',
  tools: 'Read, Grep, Bash',
  body: 'You are a careful code reviewer.',
};

export function everyDispatchKind() {
  return conversation()
    .main(
      bash('echo main'),
      dispatch({ subagent_type: 'code-reviewer', prompt: 'FG_REVIEW check src', description: 'Foreground review' }),
      dispatch({ subagent_type: 'general-purpose', prompt: 'BG_SCAN look around', description: 'Background scan', run_in_background: true }),
      dispatch({ subagent_type: 'general-purpose', prompt: 'OUTER_PLAN then delegate', description: 'Outer' }),
      text('Launched.'),
      text('All done.'),
    )
    .subagent('FG_REVIEW', bash('echo review'), text('REPORT review done'))
    .subagent('BG_SCAN', bash('sleep 1; echo bg'), text('REPORT bg done'))
    .subagent('OUTER_PLAN', dispatch({ subagent_type: 'code-reviewer', prompt: 'INNER_REVIEW nested check', description: 'Nested review' }), text('REPORT outer done'))
    .subagent('INNER_REVIEW', bash('echo inner'), text('REPORT inner done'))
    .script();
}

/** The four dispatches, each completed, matching what Claude Code itself counted. */
export function expectEveryDispatch(records: any[], result: CliResult): void {
  const byDescription = Object.fromEntries(records.map((r) => [r.description, r]));
  expect(Object.keys(byDescription).sort()).toEqual(['Background scan', 'Foreground review', 'Nested review', 'Outer']);
  expect(records).toHaveLength(4);
  expect(records.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  expect(byDescription['Background scan'].background).toBe(true);
  expect(byDescription['Foreground review'].background).toBe(false);
  expect(byDescription['Nested review'].final_message).toBe('REPORT inner done');
  // The nested one was dispatched by the outer subagent, not by the main thread.
  expect(byDescription['Outer'].agent_id).toBeTruthy();
  expect(byDescription['Nested review'].parent_agent_id).toBe(byDescription['Outer'].agent_id);
  for (const top of ['Foreground review', 'Background scan', 'Outer']) expect(byDescription[top].parent_agent_id).toBeNull();
  const byType: Record<string, number> = {};
  for (const r of records) byType[r.agent_type] = (byType[r.agent_type] ?? 0) + 1;
  expect(byType).toEqual(result.subagent_stats.by_type);
}

/**
 * What Claude Code itself did, to compare the ledger with: a second plugin that logs every hook
 * payload it is given, and a transcript's billed tokens counted independently of agent-warden.
 */
import fs from 'node:fs';
import { makePlugin, type TempDir } from './claude-cli';

/** A plugin that appends every hook payload it gets to `log`. */
export function probePlugin(log: string): TempDir {
  const handler = [{ type: 'command', command: 'sh', args: ['-c', 'cat >> "$0"; echo >> "$0"', log], timeout: 10 }];
  const events = ['SessionStart', 'UserPromptSubmit', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd'];
  const hooks: Record<string, unknown> = Object.fromEntries(events.map((e) => [e, [{ hooks: handler }]]));
  hooks.PreToolUse = [{ matcher: '*', hooks: handler }];
  hooks.PostToolUse = [{ matcher: 'Agent|Task', hooks: handler }];
  hooks.PostToolUseFailure = [{ matcher: '*', hooks: handler }];
  return makePlugin({ name: 'aw-probe', hooks });
}

/** An event as kind and subject, the same for a probe payload and a ledger row's payload. */
export const identity = (e: any) => `${e.hook_event_name ?? e.kind}:${e.tool_use_id ?? e.agent_id ?? ''}`;

/** Billed tokens of a transcript: every assistant message, each message id once. */
export function transcriptTokens(file: string): number {
  const byId = new Map<string, number>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line);
    if (rec.type !== 'assistant' || !rec.message?.usage) continue;
    const u = rec.message.usage;
    byId.set(rec.message.id, u.input_tokens + u.output_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0));
  }
  return [...byId.values()].reduce((a, b) => a + b, 0);
}

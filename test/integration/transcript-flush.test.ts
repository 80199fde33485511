// Claude Code writes the reply that makes a tool call to the transcript around the time PreToolUse
// fires, not always before it. A budget decision must count that reply: the hook waits (briefly)
// for the call's own id to reach the file. Here the reply lands 250 ms after the real hook process
// has started; without the wait the decision reads 900 of 1,000 tokens and lets the dispatch go.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookPayload, makeWardenDirs, runHookAsync, type WardenDirs } from '../support/hook-runner';

const SESSION = '7d0c1f6e-5b7a-4c36-9a51-0e2f7c1d9b10';
let d: WardenDirs | undefined;
afterEach(() => d?.cleanup());

function assistant(id: string, tokens: number, content: unknown[] = []): string {
  const message = { id, model: 'claude-sonnet-5-5', role: 'assistant', type: 'message', content, usage: { input_tokens: tokens, output_tokens: 0 } };
  return `${JSON.stringify({ type: 'assistant', sessionId: SESSION, timestamp: new Date().toISOString(), message })}\n`;
}

const denial = (stdout: string): string | undefined => {
  if (!stdout.trim()) return undefined;
  const out = JSON.parse(stdout);
  return out.hookSpecificOutput?.permissionDecision === 'deny' ? out.hookSpecificOutput.permissionDecisionReason : undefined;
};

/** Starts the hook, then appends `late` to `file` after `delayMs`; resolves with the hook's answer. */
async function hookWithLateWrite(payload: Record<string, unknown>, file: string, late: string, delayMs = 250): Promise<string> {
  const run = runHookAsync(JSON.stringify(payload), d!.env);
  await new Promise((r) => setTimeout(r, delayMs));
  fs.appendFileSync(file, late);
  const done = await run;
  expect(done.status).toBe(0);
  return done.stdout;
}

describe('a decision counts the reply that makes the call, even when Claude Code writes it late', () => {
  it('main thread: a session budget spent by the dispatching reply itself denies that dispatch', async () => {
    d = makeWardenDirs('flush-main');
    fs.mkdirSync(path.join(d.project, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(d.project, '.claude', 'agent-warden.json'), JSON.stringify({ budgets: [{ scope: 'session', limit_tokens: 1000 }] }));
    const transcript = path.join(d.project, `${SESSION}.jsonl`);
    fs.writeFileSync(transcript, assistant('msg_1', 900));
    const input = { subagent_type: 'general-purpose', description: 'job', prompt: 'do the job' };
    const pre = hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_dispatch' }, { transcript_path: transcript, tool_name: 'Agent', tool_input: input });
    const reply = assistant('msg_2', 200, [{ type: 'tool_use', id: 'toolu_dispatch', name: 'Agent', input }]);

    const reason = denial(await hookWithLateWrite(pre, transcript, reply));

    expect(reason).toMatch(/^agent-warden: .*the session budget is spent: 1,100 tokens of 1,000/);
  });

  it('subagent: its own dispatch budget, spent by the reply that makes its next call, stops that call', async () => {
    d = makeWardenDirs('flush-sub');
    fs.mkdirSync(path.join(d.project, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(d.project, '.claude', 'agent-warden.json'), JSON.stringify({ budgets: [{ scope: 'dispatch', limit_tokens: 1000 }] }));
    const transcript = path.join(d.project, `${SESSION}.jsonl`);
    fs.writeFileSync(transcript, '');
    const sub = path.join(d.project, SESSION, 'subagents');
    fs.mkdirSync(sub, { recursive: true });
    const agentTranscript = path.join(sub, 'agent-a1.jsonl');
    fs.writeFileSync(agentTranscript, assistant('msg_s1', 900));
    const pre = hookPayload('PreToolUse', { session: SESSION, cwd: d.project, toolUseId: 'toolu_sub', agentId: 'a1' }, { transcript_path: transcript });
    const reply = assistant('msg_s2', 200, [{ type: 'tool_use', id: 'toolu_sub', name: 'Bash', input: { command: 'ls -la' } }]);

    const reason = denial(await hookWithLateWrite(pre, agentTranscript, reply));

    expect(reason).toMatch(/^agent-warden: this subagent has spent its dispatch budget of this dispatch: 1,100 tokens of 1,000/);
  });
});

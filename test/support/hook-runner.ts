/**
 * Drives the real command hook (`node dist/hook.cjs`) against a throwaway agent-warden home, and
 * builds hook payloads shaped like Claude Code 2.1.328's. Shared by the fuzz, fault and soak tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIST, REPO } from './built';

export { REPO };
/** The fresh build of the run (see ./built.ts), not the committed dist/. */
export const HOOK = path.join(DIST, 'hook.cjs');

export interface WardenDirs {
  home: string;
  project: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A fresh AGENT_WARDEN_HOME (not created yet, as on first use) and project dir. */
export function makeWardenDirs(label: string, base = os.tmpdir()): WardenDirs {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(base, `aw-${label}-`)));
  const home = path.join(root, 'warden');
  const project = path.join(root, 'project');
  fs.mkdirSync(project, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, AGENT_WARDEN_HOME: home, CLAUDE_PROJECT_DIR: project };
  delete env.NODE_OPTIONS; // vitest's loader flags must not slow the real hook down
  return { home, project, env, cleanup: () => fs.rmSync(root, { recursive: true, force: true, maxRetries: 30, retryDelay: 100 }) };
}

export interface HookRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runHook(input: string | Buffer, env: NodeJS.ProcessEnv, timeoutMs = 20_000): HookRun {
  const r = spawnSync(process.execPath, [HOOK], { input, env, timeout: timeoutMs, encoding: 'utf8' });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function runHookAsync(input: string, env: NodeJS.ProcessEnv): Promise<HookRun> & { pid?: number } {
  const child = spawn(process.execPath, [HOOK], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => {}); // killed before reading: not our concern here
  child.stdin.end(input);
  const done = new Promise<HookRun>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return Object.assign(done, { pid: child.pid, child });
}

/** Deterministic randomness, so a failing seed reproduces (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!, chance: (p: number) => next() < p };
}

export interface EventSpec {
  session: string;
  cwd: string;
  toolUseId?: string;
  agentId?: string;
}

/** A well-formed hook payload of the given kind. */
export function hookPayload(kind: string, s: EventSpec, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const common = { session_id: s.session, transcript_path: path.join(s.cwd, 'no-transcript.jsonl'), cwd: s.cwd, permission_mode: 'default', hook_event_name: kind };
  const thread = s.agentId ? { agent_id: s.agentId, agent_type: 'general-purpose' } : {};
  switch (kind) {
    case 'PreToolUse':
      return { ...common, ...thread, tool_name: 'Bash', tool_input: { command: 'ls -la', description: 'list' }, tool_use_id: s.toolUseId, ...extra };
    case 'PostToolUse':
      return { ...common, ...thread, tool_name: 'Bash', tool_input: { command: 'ls -la' }, tool_response: { stdout: 'ok', stderr: '' }, tool_use_id: s.toolUseId, duration_ms: 3, ...extra };
    case 'PostToolUseFailure':
      return { ...common, ...thread, tool_name: 'Bash', tool_input: { command: 'false' }, tool_use_id: s.toolUseId, error: 'exit 1', ...extra };
    case 'SubagentStart':
      return { ...common, agent_id: s.agentId ?? 'a1', agent_type: 'general-purpose', ...extra };
    case 'SubagentStop':
      return { ...common, agent_id: s.agentId ?? 'a1', agent_type: 'general-purpose', last_assistant_message: 'done', stop_hook_active: false, ...extra };
    case 'UserPromptSubmit':
      return { ...common, prompt: 'hello', ...extra };
    case 'SessionStart':
      return { ...common, source: 'startup', model: 'claude-sonnet-4-5', ...extra };
    case 'SessionEnd':
      return { ...common, reason: 'other', ...extra };
    default:
      return { ...common, ...extra };
  }
}

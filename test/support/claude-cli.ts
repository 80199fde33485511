/**
 * Runs the real Claude Code CLI (devDependency @anthropic-ai/claude-code) headless against the mock
 * model, in an isolated HOME, with no prompts and no traffic beyond the mock.
 *
 * Permissions: we run as root, where `--dangerously-skip-permissions` and
 * `--permission-mode bypassPermissions` are refused ("cannot be used with root/sudo privileges")
 * unless IS_SANDBOX=1. `--allowedTools Bash,Agent,…` works for any user and still lets PreToolUse
 * hooks deny, so that is what `runClaude` passes. Without it, `-p` denies anything but read-only
 * shell commands (the denial shows up in `permission_denials`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export * from './sandbox';

export const DEFAULT_ALLOWED_TOOLS = ['Bash', 'Agent', 'Read', 'Grep', 'Glob', 'Edit', 'Write'];
const DEFAULT_TIMEOUT_MS = 60_000;

export interface ExecOptions {
  /** Isolated HOME (see makeHome); the CLI keeps config, transcripts and plugin data under it. */
  home: string;
  cwd: string;
  /** Applied last; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export interface RunClaudeOptions extends ExecOptions {
  prompt: string;
  /** The mock model's base URL (`MockModel.url`). */
  modelUrl: string;
  pluginDirs?: string[];
  allowedTools?: string[];
  permissionMode?: 'default' | 'acceptEdits' | 'plan' | 'dontAsk';
  /** Set as AGENT_WARDEN_HOME; when omitted, the caller's AGENT_WARDEN_HOME (if any) passes through. */
  wardenHome?: string;
  extraArgs?: string[];
}

export interface ClaudeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
}

export interface CliRun extends ClaudeRun {
  /** The `--output-format json` result; undefined when stdout held none (crash, timeout). */
  result: CliResult | undefined;
}

/** The fields of the CLI's JSON result the tests use; see test/fixtures/…/cli-result-*.json. */
export interface CliResult {
  type: 'result';
  subtype: string;
  is_error: boolean;
  result: string;
  session_id: string;
  num_turns: number;
  terminal_reason?: string;
  result_index?: number;
  usage: TokenUsage;
  modelUsage: Record<string, ModelUsage>;
  permission_denials: Array<{ tool_name: string; tool_use_id: string; tool_input: Record<string, unknown> }>;
  subagent_stats: SubagentStats;
  [key: string]: unknown;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  costUSD: number;
}

export interface SubagentStats {
  spawned: number;
  requested: { background: number; foreground: number; unset: number };
  started_in_background: number;
  completed: number;
  failed: number;
  by_type: Record<string, number>;
  [key: string]: unknown;
}

/**
 * The pinned CLI (devDependency), or another version's `claude` named by AGENT_WARDEN_CLAUDE_BIN
 * (`.ci/run` runs the end-to-end suite a second time on the newest, fetched by scripts/ci-runtimes.sh).
 */
export function claudeBin(): string {
  return process.env.AGENT_WARDEN_CLAUDE_BIN || path.resolve(__dirname, '../../node_modules/.bin/claude');
}

/** The version the run is meant to be on: AGENT_WARDEN_CLAUDE_VERSION with a custom binary, else the pin. */
export function expectedClaudeVersion(): string {
  if (process.env.AGENT_WARDEN_CLAUDE_BIN) return process.env.AGENT_WARDEN_CLAUDE_VERSION ?? '';
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  return pkg.devDependencies['@anthropic-ai/claude-code'];
}

/** `claude -p <prompt> --output-format json …` against the mock model. */
export async function runClaude(opts: RunClaudeOptions): Promise<CliRun> {
  const args = [
    '-p',
    opts.prompt,
    '--output-format',
    'json',
    '--allowedTools',
    (opts.allowedTools ?? DEFAULT_ALLOWED_TOOLS).join(','),
    ...(opts.pluginDirs ?? []).flatMap((dir) => ['--plugin-dir', dir]),
    ...(opts.permissionMode ? ['--permission-mode', opts.permissionMode] : []),
    ...(opts.extraArgs ?? []),
  ];
  const env = {
    ANTHROPIC_BASE_URL: opts.modelUrl,
    ...(opts.wardenHome ? { AGENT_WARDEN_HOME: opts.wardenHome } : {}),
    ...opts.env,
  };
  const run = await execClaude(args, { ...opts, env });
  return { ...run, result: parseResult(run.stdout) };
}

/** Any `claude` invocation (e.g. `plugin validate <dir>`) with the isolated environment. */
export function execClaude(args: string[], opts: ExecOptions): Promise<ClaudeRun> {
  const started = Date.now();
  const child = spawn(claudeBin(), args, {
    cwd: opts.cwd,
    env: isolatedEnv(opts.home, opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so a timeout also ends the hooks and shells the CLI started.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, durationMs: Date.now() - started, stdout, stderr });
    });
  });
}

/**
 * The caller's environment (PATH, NODE_EXTRA_CA_CERTS, proxies…) minus anything that would let a
 * developer's own Claude setup leak in, plus a HOME, XDG dirs and temp dirs inside the sandbox.
 */
function isolatedEnv(home: string, overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const tmp = path.join(home, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(ANTHROPIC_|CLAUDE|OTEL_)/.test(key)),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    TMPDIR: tmp,
    CLAUDE_CODE_TMPDIR: tmp, // task output files otherwise land in /tmp/claude-<uid>/
    ANTHROPIC_API_KEY: 'sk-ant-e2e-test-key',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...overrides,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

function parseResult(stdout: string): CliResult | undefined {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .at(-1);
  if (line === undefined) return undefined;
  try {
    const parsed = JSON.parse(line) as { type?: unknown };
    return parsed.type === 'result' ? (parsed as CliResult) : undefined;
  } catch {
    return undefined;
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

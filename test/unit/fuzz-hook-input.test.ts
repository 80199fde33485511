/**
 * Fuzzes the hook entry with generated payloads: valid shapes with random fields, wrong types,
 * truncated JSON, huge strings, odd unicode, binary. Never a throw, never a non-zero exit, never a
 * denial (no budgets are configured and nothing fails), and every input is accounted for: stored
 * once (a hook event or a `malformed` row), or recognised as a duplicate of an earlier delivery.
 * The PRNG is seeded: a failure names its seed and case number, and reproduces.
 */
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventUid } from '../../src/hooks/handle';
import { ingestHookInput } from '../../src/hooks/ingest';
import { hookKinds, parseHookInput } from '../../src/hooks/wire';
import { spooledFiles } from '../../src/ledger/spool';
import { hookPayload, makeWardenDirs, prng, runHook, type WardenDirs } from '../support/hook-runner';

const SEED = Number(process.env.FUZZ_SEED ?? 20260907);
const KINDS = [...hookKinds, 'PostToolBatch', 'Notification', 'PreCompact', '', 'pretooluse'];
const ODD = ['\u0000', '\ud800', '\udfff', '\u202e', '\u200b', '\ufeff', '🦀', '𝕏', 'é', '\\', '"', '\n', "'; DROP TABLE events;--", '../../etc/passwd', '%s%n', '${HOME}'];

type Rng = ReturnType<typeof prng>;

function oddString(r: Rng): string {
  switch (r.int(5)) {
    case 0:
      return '';
    case 1:
      return Array.from({ length: r.int(12) + 1 }, () => r.pick(ODD)).join('');
    case 2:
      return 'x'.repeat(r.int(5000));
    case 3:
      return String.fromCharCode(...Array.from({ length: r.int(40) }, () => r.int(0x10000)));
    default:
      return Math.abs(r.int(1e9)).toString(36);
  }
}

function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 3 ? 4 : 7)) {
    case 0:
      return oddString(r);
    case 1:
      return r.pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2]);
    case 2:
      return r.chance(0.5);
    case 3:
      return null;
    case 4:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(4) }, () => [oddString(r).slice(0, 20), randomValue(r, depth + 1)]));
  }
}

function validShape(r: Rng, cwd: string): Record<string, unknown> {
  const kind = r.pick(hookKinds);
  const spec = { session: `s-${r.int(4)}`, cwd, toolUseId: `toolu_${r.int(60)}`, agentId: r.chance(0.4) ? `a${r.int(5)}` : undefined };
  const extra: Record<string, unknown> = {};
  for (let i = r.int(3); i > 0; i--) extra[oddString(r).slice(0, 30) || 'k'] = randomValue(r);
  if (r.chance(0.2)) extra.tool_name = r.pick(['Agent', 'Task', 'Read', 'mcp__x__y', oddString(r)]);
  if (r.chance(0.2)) extra.tool_input = { prompt: oddString(r), subagent_type: oddString(r), description: oddString(r) };
  if (r.chance(0.1)) extra.transcript_path = r.pick(['/dev/null', '/', cwd, '/nonexistent/x.jsonl', oddString(r)]);
  return hookPayload(kind, spec, extra);
}

/** One generated input, as the bytes a hook would read on stdin. */
function generate(r: Rng, cwd: string): string | Buffer {
  const valid = validShape(r, cwd);
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
      return JSON.stringify(valid);
    case 3: {
      // wrong types for fields we read
      const key = r.pick(['session_id', 'hook_event_name', 'tool_name', 'tool_input', 'tool_use_id', 'agent_id', 'cwd', 'duration_ms', 'error', 'tool_response', 'prompt']);
      return JSON.stringify({ ...valid, [key]: randomValue(r) });
    }
    case 4: {
      const text = JSON.stringify(valid);
      return text.slice(0, r.int(text.length));
    }
    case 5:
      return JSON.stringify({ ...valid, tool_input: { command: 'y'.repeat(200_000 + r.int(2_000_000)) } });
    case 6:
      return JSON.stringify({ ...valid, session_id: oddString(r) || 's', tool_use_id: oddString(r) || 't', agent_id: oddString(r), cwd: oddString(r) });
    case 7:
      return Buffer.from(Array.from({ length: r.int(3000) }, () => r.int(256)));
    case 8:
      return r.pick(['', ' ', '[]', '1', 'null', '"x"', 'true', '{}', '{"hook_event_name":"PreToolUse"}', '['.repeat(5000), `{"a":${'['.repeat(3000)}`]);
    default:
      return JSON.stringify({ ...valid, hook_event_name: r.pick(KINDS) });
  }
}

const STORED_KINDS = [...hookKinds, 'malformed', 'unhandled_hook'];

describe('fuzzing the hook entry', () => {
  let dirs: WardenDirs;
  const saved = { home: process.env.AGENT_WARDEN_HOME, project: process.env.CLAUDE_PROJECT_DIR };
  beforeAll(() => {
    dirs = makeWardenDirs('fuzz');
    process.env.AGENT_WARDEN_HOME = dirs.home;
    process.env.CLAUDE_PROJECT_DIR = dirs.project;
  });
  afterAll(() => {
    process.env.AGENT_WARDEN_HOME = saved.home;
    process.env.CLAUDE_PROJECT_DIR = saved.project;
    dirs.cleanup();
  });

  it('in process: 3,000 inputs, each stored once or known as a repeat, no throw, no denial, nothing spooled', () => {
    const r = prng(SEED);
    const seen = new Set<string>();
    const counts = { stored: 0, repeats: 0, malformed: 0 };
    let db: SqliteDb | undefined;
    const storedRows = () => (db!.prepare(`SELECT count(*) AS n FROM events WHERE kind IN (${STORED_KINDS.map(() => '?').join(',')})`).get(...STORED_KINDS) as { n: number }).n;
    for (let i = 0; i < 3000; i++) {
      const input = generate(r, dirs.project);
      const text = typeof input === 'string' ? input : input.toString('utf8');
      const before = db ? storedRows() : 0;
      let out: unknown;
      expect(() => (out = ingestHookInput(text, { now: 1_700_000_000_000 + i })), `seed ${SEED} case ${i}`).not.toThrow();
      db ??= openDatabase(path.join(dirs.home, 'ledger.db'), { readonly: true });
      const decision = (out as any)?.hookSpecificOutput?.permissionDecision;
      expect(decision, `seed ${SEED} case ${i}: ${text.slice(0, 200)}`).toBeUndefined();
      if (spooledFiles().length && process.env.FUZZ_DUMP) fs.writeFileSync(process.env.FUZZ_DUMP, text);
      expect(spooledFiles(), `seed ${SEED} case ${i} was spooled: ${text.slice(0, 200)}`).toEqual([]);
      const parsed = parseHookInput(text);
      const uid = parsed.ok ? eventUid(parsed.event) : undefined;
      const repeat = uid !== undefined && seen.has(uid);
      if (uid) seen.add(uid);
      expect(storedRows() - before, `seed ${SEED} case ${i}: ${text.slice(0, 200)}`).toBe(repeat ? 0 : 1);
      counts[repeat ? 'repeats' : parsed.ok ? 'stored' : 'malformed']++;
    }
    db!.close();
    // The generator reaches every branch it means to.
    expect(counts.stored).toBeGreaterThan(500);
    expect(counts.malformed).toBeGreaterThan(500);
    expect(counts.repeats).toBeGreaterThan(50);
  });

  it('the real hook process: 150 inputs, exit 0 each time, stdout empty or JSON without a denial, at most one stderr line', () => {
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'hook.cjs')), 'run `node scripts/build.mjs` first').toBe(true);
    const own = makeWardenDirs('fuzz-proc');
    try {
      const r = prng(SEED + 1);
      for (let i = 0; i < 150; i++) {
        const input = generate(r, own.project);
        const run = runHook(input, own.env);
        const what = `seed ${SEED + 1} case ${i}: ${input.toString().slice(0, 200)}`;
        expect(run.status, `${what}\n${run.stderr}`).toBe(0);
        if (run.stdout) expect(JSON.parse(run.stdout).hookSpecificOutput?.permissionDecision, what).toBeUndefined();
        expect(run.stderr.trim().split('\n').length, `${what}\n${run.stderr}`).toBeLessThanOrEqual(1);
      }
      expect(spooledFiles(path.join(own.home, 'spool'))).toEqual([]);
    } finally {
      own.cleanup();
    }
  });
});

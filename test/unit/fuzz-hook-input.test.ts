/**
 * Fuzzes every hook event kind we wire (and unknown ones) with fast-check: real payloads from the
 * captured 2.1.328 run, mutated; random payloads; text that is not JSON; special-file paths; 1 MB
 * adversarial strings and 10,000-level nesting. Every case must end with no throw (exit 0 for the
 * process), no decision (no budget is set and the breaker's thresholds are out of reach, so any
 * deny, ask or rewrite is spurious), nothing spooled (nothing failed), each input stored once or
 * known as a repeat, and bounded time and memory.
 *
 * Three drivers, one core: in process through `ingestHookInput` (what both adapters call) on a real
 * SQLite ledger; the resident server's `hook` tool path (`ResidentHooks.handle`); and a sample
 * through the real `dist/hook.cjs` process under a heap cap. Sizes come from the environment:
 * `npm run fuzz` runs 10,000 in-process cases and 200 processes; the default test run fewer.
 * A failure prints fast-check's seed and path: `FUZZ_SEED=<seed>` reproduces it.
 */
import { openDatabase, type SqliteDb } from '../../src/ledger/driver';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventUid } from '../../src/core/handle-event';
import { ingestHookInput } from '../../src/hooks/ingest';
import { hookKinds } from '../../src/core/hook-event';
import { parseHookInput } from '../../src/hooks/wire';
import { spooledFiles } from '../../src/ledger/spool';
import { FORWARDED_FIELDS, rebuildPayload } from '../../src/server/hook-input';
import { ResidentHooks } from '../../src/server/resident-hook';
import { HOOK, makeWardenDirs, type WardenDirs } from '../support/hook-runner';
import { fuzzCase, hugeShapes, materialize, realPayloads, specialFiles, WIRED_KINDS, type FuzzCase, type Materials } from '../support/hook-fuzz';
import { adversarialShapes } from '../support/adversarial-text';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES = Number(process.env.FUZZ_CASES ?? 1000);
const PROCESS_CASES = Number(process.env.FUZZ_PROCESS_CASES ?? 40);
const CASE_MS = 10_000; // anti-hang bound per case: Claude Code's own hook timeout
const SPECIAL_MS = 5000;
const HOOK_HEAP_MB = 256; // the real hook runs under this heap cap: memory past it is a crash, a non-zero exit

// The breaker runs (it counts every failure) but cannot trip: any denial here is spurious.
const CONFIG = { breaker: { max_consecutive_failures: 1_000_000, agent_max_consecutive_failures: 1_000_000 } };
const STORED_KINDS = [...hookKinds, 'malformed', 'unhandled_hook'];
const shapeCount = adversarialShapes(16).length;

function prepare(dirs: WardenDirs): Materials {
  fs.mkdirSync(dirs.home, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dirs.home, 'config.json'), JSON.stringify(CONFIG));
  let shapes: string[] | undefined;
  return { real: realPayloads(), special: specialFiles(path.join(dirs.project, 'special')), cwd: dirs.project, shapes: () => (shapes ??= hugeShapes()) };
}

const decisionOf = (out: unknown) => {
  const h = (out as { hookSpecificOutput?: Record<string, unknown> } | undefined)?.hookSpecificOutput;
  return h ? { decision: h.permissionDecision, rewritten: 'updatedInput' in h } : { decision: undefined, rewritten: false };
};

/** The `hook` tool's arguments for a payload: each forwarded field as Claude Code's mcp_tool fills it (objects as JSON text). */
function toolArguments(text: string): Record<string, unknown> | undefined {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!p || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const args: Record<string, unknown> = {};
  for (const [k, kind] of Object.entries(FORWARDED_FIELDS)) {
    const v = (p as Record<string, unknown>)[k];
    if (v === undefined) continue;
    try {
      args[k] = kind === 'json' ? JSON.stringify(v) : typeof v === 'string' ? v : String(v);
    } catch {
      return undefined; // too deep for Claude Code's own templating (JSON.stringify) to send: not a tool call that can happen
    }
  }
  return args;
}

describe('fuzzing every hook event', () => {
  let dirs: WardenDirs;
  let materials: Materials;
  const saved = { home: process.env.AGENT_WARDEN_HOME, project: process.env.CLAUDE_PROJECT_DIR };
  beforeAll(() => {
    dirs = makeWardenDirs('fuzz');
    materials = prepare(dirs);
    process.env.AGENT_WARDEN_HOME = dirs.home;
    process.env.CLAUDE_PROJECT_DIR = dirs.project;
  });
  afterAll(() => {
    process.env.AGENT_WARDEN_HOME = saved.home;
    process.env.CLAUDE_PROJECT_DIR = saved.project;
    dirs.cleanup();
  });

  it(`in process and through the resident hook tool: ${CASES} cases, no throw, no decision, nothing spooled, each stored once, bounded time and memory`, () => {
    const seen = new Set<string>();
    const counts = { stored: 0, repeats: 0, malformed: 0, resident: 0, huge: 0, deep: 0, special: 0 };
    const kinds = new Set<string>();
    const resident = new ResidentHooks();
    let db: SqliteDb | undefined;
    let maxRss = 0;
    let slowest = 0;
    const storedRows = () => (db ? (db.prepare(`SELECT count(*) AS n FROM events WHERE kind IN (${STORED_KINDS.map(() => '?').join(',')})`).get(...STORED_KINDS) as { n: number }).n : 0);
    let i = 0;
    try {
      fc.assert(
        fc.property(fuzzCase(materials.real.length, shapeCount), fc.nat({ max: 9 }), (c: FuzzCase, route: number) => {
          i++;
          let text = materialize(c, materials);
          // A FIFO blocks the process that opens it; in process only the kinds that cannot hang the runner.
          text = text.split(materials.special.paths.fifo).join(materials.special.paths['dev-null']);
          const viaResident = route < 2 ? toolArguments(text) : undefined;
          if (viaResident) text = JSON.stringify(rebuildPayload(viaResident as never)); // what that path stores
          const before = storedRows();
          const t = performance.now();
          let out: unknown;
          if (viaResident) {
            const res = resident.handle(viaResident as never);
            out = res.content[0]?.text ? JSON.parse(res.content[0].text) : undefined;
            counts.resident++;
          } else {
            out = ingestHookInput(text, { now: 1_700_000_000_000 + i });
          }
          const ms = performance.now() - t;
          slowest = Math.max(slowest, ms);
          maxRss = Math.max(maxRss, process.memoryUsage().rss);
          db ??= fs.existsSync(path.join(dirs.home, 'ledger.db')) ? openDatabase(path.join(dirs.home, 'ledger.db'), { readonly: true }) : undefined;
          const what = `case ${i} (${c.type}): ${text.slice(0, 300)}`;
          expect(ms, what).toBeLessThan(CASE_MS);
          expect(decisionOf(out), what).toEqual({ decision: undefined, rewritten: false });
          expect(spooledFiles(), `${what} was spooled`).toEqual([]);
          const parsed = parseHookInput(text);
          const uid = parsed.ok ? eventUid(parsed.event) : undefined;
          const repeat = uid !== undefined && seen.has(uid);
          if (uid) seen.add(uid);
          expect(storedRows() - before, what).toBe(repeat ? 0 : 1);
          counts[repeat ? 'repeats' : parsed.ok ? 'stored' : 'malformed']++;
          if (parsed.ok) kinds.add(parsed.event.hook_event_name);
          if (c.type === 'huge' || c.type === 'deep') counts[c.type]++;
          if (/dev\/zero|dir\.jsonl|loop-a/.test(text)) counts.special++;
        }),
        { numRuns: CASES, seed: SEED, endOnFailure: true },
      );
    } finally {
      resident.close();
      db?.close();
    }
    console.log(`fuzz: ${i} cases in process (${counts.resident} via the resident hook tool), ${JSON.stringify(counts)}, slowest ${slowest.toFixed(0)} ms, max RSS ${(maxRss / 1048576).toFixed(0)} MB`);
    expect(i).toBe(CASES);
    // The generator reaches what it means to: every wired kind, bad input, repeats, huge, deep and special paths.
    for (const k of WIRED_KINDS) expect(kinds, k).toContain(k);
    expect(counts.malformed).toBeGreaterThan(CASES / 20);
    expect(counts.repeats).toBeGreaterThan(CASES / 50);
    expect(counts.resident).toBeGreaterThan(CASES / 10);
    expect(Math.min(counts.huge, counts.deep, counts.special)).toBeGreaterThan(0);
    expect(maxRss).toBeLessThan(2 * 1024 ** 3);
  }, 120_000 + CASES * 250);

  it(`the real hook process: ${PROCESS_CASES} cases, exit 0 under a ${HOOK_HEAP_MB} MB heap cap, no decision, at most one stderr line`, () => {
    expect(fs.existsSync(HOOK), 'run `node scripts/build.mjs` first').toBe(true);
    const own = makeWardenDirs('fuzz-proc');
    const m = prepare(own);
    let n = 0;
    try {
      fc.assert(
        fc.property(fuzzCase(m.real.length, shapeCount), (c) => {
          n++;
          const input = materialize(c, m).split(m.special.paths.fifo).join(m.special.paths['dev-null']);
          const run = spawnSync(process.execPath, [`--max-old-space-size=${HOOK_HEAP_MB}`, HOOK], { input, env: own.env, timeout: 20_000, encoding: 'utf8' });
          const what = `process case ${n} (${c.type}): ${input.slice(0, 300)}\n${run.stderr}`;
          expect(run.signal, what).toBeNull();
          expect(run.status, what).toBe(0);
          if (run.stdout) expect(decisionOf(JSON.parse(run.stdout)), what).toEqual({ decision: undefined, rewritten: false });
          expect((run.stderr ?? '').trim().split('\n').length, what).toBeLessThanOrEqual(1);
        }),
        { numRuns: PROCESS_CASES, seed: SEED + 1, endOnFailure: true },
      );
      expect(spooledFiles(path.join(own.home, 'spool'))).toEqual([]);
    } finally {
      own.cleanup();
    }
  }, 120_000 + PROCESS_CASES * 10_000);
});

describe('special files named as transcripts, through the real hook', () => {
  // A FIFO blocks whoever opens it; /dev/zero never ends; a directory and a symlink loop fail to read.
  const KINDS = ['PreToolUse', 'Stop', 'SubagentStop', 'SessionEnd'];
  for (const special of ['fifo', 'dev-zero', 'directory', 'symlink-loop'] as const) {
    it(`${special}: every kind exits 0 within ${SPECIAL_MS / 1000} s, stores the event, decides nothing`, () => {
      const own = makeWardenDirs(`fuzz-${special}`);
      const m = prepare(own);
      try {
        for (const kind of KINDS) {
          const p = m.special.paths[special];
          const payload = { ...(m.real.find((r) => r.hook_event_name === kind) ?? m.real[0]!), cwd: own.project, transcript_path: p, agent_transcript_path: p };
          const t = performance.now();
          const run = spawnSync(process.execPath, [`--max-old-space-size=${HOOK_HEAP_MB}`, HOOK], { input: JSON.stringify(payload), env: own.env, timeout: SPECIAL_MS, encoding: 'utf8' });
          const what = `${kind} with ${special} (${(performance.now() - t).toFixed(0)} ms): ${run.stderr}`;
          expect(run.signal, what).toBeNull();
          expect(run.status, what).toBe(0);
          if (run.stdout) expect(decisionOf(JSON.parse(run.stdout)), what).toEqual({ decision: undefined, rewritten: false });
        }
        const db = openDatabase(path.join(own.home, 'ledger.db'), { readonly: true });
        const stored = (db.prepare(`SELECT count(*) AS n FROM events WHERE kind IN (${KINDS.map(() => '?').join(',')})`).get(...KINDS) as { n: number }).n;
        db.close();
        expect(stored).toBe(KINDS.length);
      } finally {
        own.cleanup();
      }
    });
  }
});

describe('deep nesting through the real hook', () => {
  it('tool_input nested 3,000, 10,000 and 100,000 levels: exit 0, the event stored (not spooled), nothing decided', () => {
    const own = makeWardenDirs('fuzz-deep');
    prepare(own);
    try {
      for (const depth of [3000, 10_000, 100_000]) {
        const deep = `${'{"k":'.repeat(depth)}"password=hunter2hunter2"${'}'.repeat(depth)}`;
        const input = `{"session_id":"s-deep","hook_event_name":"PreToolUse","cwd":${JSON.stringify(own.project)},"tool_name":"Bash","tool_use_id":"toolu_${depth}","tool_input":{"command":"x","n":${deep}}}`;
        const run = spawnSync(process.execPath, [HOOK], { input, env: own.env, timeout: 20_000, encoding: 'utf8' });
        expect(run.status, `${depth}: ${run.stderr}`).toBe(0);
        expect(run.stderr, `${depth}`).toBe('');
        expect(spooledFiles(path.join(own.home, 'spool')), `${depth} levels were spooled`).toEqual([]);
      }
      const db = openDatabase(path.join(own.home, 'ledger.db'), { readonly: true });
      const rows = db.prepare(`SELECT payload FROM events WHERE kind = 'PreToolUse' AND session_id = 's-deep'`).all() as Array<{ payload: string }>;
      db.close();
      expect(rows).toHaveLength(3);
      for (const r of rows) expect(r.payload).toContain('nested deeper than');
    } finally {
      own.cleanup();
    }
  });
});

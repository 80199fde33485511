/**
 * fast-check arbitraries for hook inputs: real payloads from the captured 2.1.328 run, mutated;
 * random payloads of every event kind we wire and of unknown kinds; text that is not JSON at all;
 * special-file paths; huge (1 MB adversarial strings) and deep (10,000 levels) inputs. A case is a
 * small description; `materialize` turns it into the stdin text, so 10,000 cases never sit in
 * memory at once and a failing one prints short.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { adversarialShapes } from './adversarial-text';
import { FIXTURES } from './fixtures';

export const WIRED_KINDS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd'] as const;
export const UNKNOWN_KINDS = ['PostToolBatch', 'Notification', 'PreCompact', 'SubagentSpawn', 'pretooluse', ''];

/** Real payloads, parsed once. */
export function realPayloads(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const run of ['hooks-dispatch', 'hooks-retry-loop']) {
    const dir = path.join(FIXTURES, run);
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.json')) out.push(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  }
  return out;
}

/** Paths that must never hang or crash a hook; `fifo` and friends are made per run by `specialFiles`. */
export type PathKind = 'fifo' | 'dev-zero' | 'dev-null' | 'directory' | 'symlink-loop' | 'missing' | 'empty' | 'relative' | 'odd';

export interface SpecialFiles {
  paths: Record<PathKind, string>;
}

/** Makes a FIFO, a directory and a symlink loop under `dir`. */
export function specialFiles(dir: string): SpecialFiles {
  fs.mkdirSync(dir, { recursive: true });
  const fifo = path.join(dir, 'fifo.jsonl');
  if (!fs.existsSync(fifo)) require('node:child_process').execFileSync('mkfifo', [fifo]);
  const directory = path.join(dir, 'dir.jsonl');
  fs.mkdirSync(directory, { recursive: true });
  const loopA = path.join(dir, 'loop-a.jsonl');
  const loopB = path.join(dir, 'loop-b.jsonl');
  if (!fs.existsSync(path.join(dir, 'loop-made'))) {
    fs.symlinkSync(loopB, loopA);
    fs.symlinkSync(loopA, loopB);
    fs.writeFileSync(path.join(dir, 'loop-made'), '');
  }
  return {
    paths: {
      fifo,
      'dev-zero': '/dev/zero',
      'dev-null': '/dev/null',
      directory,
      'symlink-loop': loopA,
      missing: path.join(dir, 'missing', 'x.jsonl'),
      empty: '',
      relative: 'x.jsonl',
      odd: '\u0000/../\ud800',
    },
  };
}

type Json = unknown;

export type Mutation =
  | { op: 'set'; field: string; value: Json }
  | { op: 'delete'; field: string }
  | { op: 'kind'; kind: string }
  | { op: 'ids'; session: string; toolUseId: string; agentId: string }
  | { op: 'path'; field: 'transcript_path' | 'agent_transcript_path'; kind: PathKind }
  | { op: 'tool_input'; value: Json };

export type FuzzCase =
  | { type: 'real'; index: number; mutations: Mutation[] }
  | { type: 'random'; kind: string; fields: Record<string, Json>; ids: { session: string; toolUseId: string; agentId?: string }; path?: PathKind }
  | { type: 'cut'; index: number; at: number }
  | { type: 'bytes'; bytes: Uint8Array }
  | { type: 'literal'; text: string }
  | { type: 'huge'; index: number; kind: string; shape: number; where: 'tool_input' | 'prompt' | 'tool_response' | 'error' | 'last_assistant_message' }
  | { type: 'deep'; index: number; depth: number; where: 'tool_input' | 'tool_response' | 'top' };

// Small pools of ids, so deliveries repeat (uids collide) and threads accumulate state.
const session = fc.constantFrom('s-fuzz-1', 's-fuzz-2', 'a5371dc9-083f-4987-8703-c3c308092916', '', 'ß', 'x'.repeat(300));
const toolUseId = fc.oneof(fc.constantFrom('toolu_1', 'toolu_2', 'toolu_3', ''), fc.string({ maxLength: 12 }).map((s) => `toolu_${s}`));
const agentId = fc.constantFrom('a1', 'a2', 'a8cf0ed08039e39ee', '', '../../etc');
const kind = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...WIRED_KINDS) }, { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_KINDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
const pathKind: fc.Arbitrary<PathKind> = fc.constantFrom('dev-zero', 'dev-null', 'directory', 'symlink-loop', 'missing', 'empty', 'relative', 'odd');
const FIELDS = ['session_id', 'hook_event_name', 'tool_name', 'tool_input', 'tool_use_id', 'tool_response', 'agent_id', 'agent_type', 'cwd', 'transcript_path', 'agent_transcript_path', 'duration_ms', 'error', 'prompt', 'prompt_id', 'last_assistant_message', 'stop_hook_active', 'is_interrupt', 'source', 'model', 'reason'];
const field = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 16 }) });
const value: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('Agent', 'Task', 'Bash', 'mcp__agent-warden__hook', 'mcp__x__y', -1, 1e308, Number.MAX_SAFE_INTEGER + 2, true, null, '', '\u0000', '\ud800') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), field, value }),
  fc.record({ op: fc.constant('delete' as const), field }),
  fc.record({ op: fc.constant('kind' as const), kind }),
  fc.record({ op: fc.constant('ids' as const), session, toolUseId, agentId }),
  fc.record({ op: fc.constant('path' as const), field: fc.constantFrom('transcript_path' as const, 'agent_transcript_path' as const), kind: pathKind }),
  fc.record({ op: fc.constant('tool_input' as const), value: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), value) }),
);

/** Every case; `nReal` is the number of real payloads. */
export function fuzzCase(nReal: number, nShapes: number): fc.Arbitrary<FuzzCase> {
  const index = fc.nat({ max: nReal - 1 });
  return fc.oneof(
    { weight: 50, arbitrary: fc.record({ type: fc.constant('real' as const), index, mutations: fc.array(mutation, { maxLength: 3 }) }) },
    {
      weight: 25,
      arbitrary: fc.record(
        {
          type: fc.constant('random' as const),
          kind,
          fields: fc.dictionary(field, value, { maxKeys: 8 }),
          ids: fc.record({ session, toolUseId, agentId: fc.option(agentId, { nil: undefined }) }),
          path: fc.option(pathKind, { nil: undefined }),
        },
        { requiredKeys: ['type', 'kind', 'fields', 'ids'] },
      ),
    },
    { weight: 12, arbitrary: fc.record({ type: fc.constant('cut' as const), index, at: fc.nat() }) },
    { weight: 5, arbitrary: fc.record({ type: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 2048 }) }) },
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('literal' as const),
        text: fc.oneof(fc.constantFrom('', ' ', '[]', '1', 'null', '"x"', 'true', '{}', '{"hook_event_name":"PreToolUse"}', '{"session_id":"s","hook_event_name":"Stop"}', '\ufeff{}'), fc.string({ maxLength: 200 })),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant('huge' as const), index, kind: fc.constantFrom(...WIRED_KINDS), shape: fc.nat({ max: nShapes - 1 }), where: fc.constantFrom('tool_input' as const, 'prompt' as const, 'tool_response' as const, 'error' as const, 'last_assistant_message' as const) }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('deep' as const), index, depth: fc.constantFrom(100, 3000, 10_000), where: fc.constantFrom('tool_input' as const, 'tool_response' as const, 'top' as const) }) },
  );
}

export interface Materials {
  real: Record<string, unknown>[];
  special: SpecialFiles;
  cwd: string;
  /** 1 MB adversarial strings, built once. */
  shapes: () => string[];
}

/** The stdin text of one case. */
export function materialize(c: FuzzCase, m: Materials): string {
  const base = (i: number) => ({ ...structuredClone(m.real[i % m.real.length]!), cwd: m.cwd }) as Record<string, unknown>;
  switch (c.type) {
    case 'real': {
      const p = base(c.index);
      for (const mu of c.mutations) {
        if (mu.op === 'set') p[mu.field] = mu.value;
        else if (mu.op === 'delete') delete p[mu.field];
        else if (mu.op === 'kind') p.hook_event_name = mu.kind;
        else if (mu.op === 'ids') Object.assign(p, { session_id: mu.session, tool_use_id: mu.toolUseId, agent_id: mu.agentId });
        else if (mu.op === 'path') p[mu.field] = m.special.paths[mu.kind];
        else p.tool_input = mu.value;
      }
      return JSON.stringify(p);
    }
    case 'random': {
      const p: Record<string, unknown> = { session_id: c.ids.session, hook_event_name: c.kind, cwd: m.cwd, tool_use_id: c.ids.toolUseId, ...(c.ids.agentId ? { agent_id: c.ids.agentId } : {}), ...c.fields };
      if (c.path) p.transcript_path = m.special.paths[c.path];
      return JSON.stringify(p);
    }
    case 'cut': {
      const text = JSON.stringify(base(c.index));
      return text.slice(0, c.at % text.length);
    }
    case 'bytes':
      return Buffer.from(c.bytes).toString('utf8');
    case 'literal':
      return c.text;
    case 'huge': {
      const p = base(c.index);
      const big = m.shapes()[c.shape]!;
      p.hook_event_name = c.kind;
      p.session_id = 's-fuzz-huge';
      p.tool_use_id = `toolu_huge_${c.shape}_${c.where}`;
      if (c.where === 'tool_input') p.tool_input = { command: big, description: 'huge' };
      else if (c.where === 'tool_response') p.tool_response = { stdout: big };
      else p[c.where] = big;
      return JSON.stringify(p);
    }
    case 'deep': {
      const p = base(c.index);
      p.session_id = 's-fuzz-deep';
      p.tool_use_id = `toolu_deep_${c.depth}_${c.where}`;
      const open = '{"k":'.repeat(c.depth);
      const deep = `${open}"password=hunter2hunter2"${'}'.repeat(c.depth)}`;
      const text = JSON.stringify(p);
      if (c.where === 'top') return `${text.slice(0, -1)},"deep":${deep}}`;
      const key = c.where === 'tool_input' ? 'tool_input' : 'tool_response';
      delete p[key];
      return `${JSON.stringify(p).slice(0, -1)},"${key}":{"nested":${deep}}}`;
    }
  }
}

/** The shapes used by `huge` cases (1 MB each). */
export function hugeShapes(): string[] {
  return adversarialShapes(1024 * 1024).map((s) => s.text);
}

/**
 * The captured Claude Code 2.1.328 run (test/fixtures), laid out in a temp HOME the way the
 * CLI writes it, with every `/home/dev` path rewritten to point there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, type TempDir } from './sandbox';

/** The captured run and the public agent collections, copied into the repo (tests read nothing outside it). */
export const FIXTURES = path.resolve(__dirname, '../fixtures/claude-code-2.1.328');
export const CORPORA = path.resolve(__dirname, '../fixtures/corpora');

export interface FixtureRun extends TempDir {
  /** Hook payloads in firing order, as stdin text. */
  payloads: { file: string; text: string; event: Record<string, any> }[];
  transcriptsDir: string;
}

export function loadFixtureRun(name: 'hooks-dispatch' | 'hooks-retry-loop'): FixtureRun {
  const dir = makeTempDir('fixture');
  const rewrite = (text: string) => text.split('/home/dev').join(dir.path);
  const projects = path.join(dir.path, '.claude', 'projects', '-home-dev-project');
  for (const file of fs.readdirSync(path.join(FIXTURES, 'transcripts'))) {
    // Flattened names: <session>__subagents__agent-<id>.jsonl -> <session>/subagents/agent-<id>.jsonl
    const target = path.join(projects, ...file.split('__'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, rewrite(fs.readFileSync(path.join(FIXTURES, 'transcripts', file), 'utf8')));
  }
  const src = path.join(FIXTURES, name);
  const payloads = fs
    .readdirSync(src)
    .sort()
    .map((file) => {
      const text = rewrite(fs.readFileSync(path.join(src, file), 'utf8'));
      return { file, text, event: JSON.parse(text) };
    });
  return { ...dir, payloads, transcriptsDir: projects };
}

/** Events our hooks.json wires (the fixture also has PostToolBatch, which we do not subscribe to). */
export const WIRED = new Set(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd']);

/** Mulberry32: a small seeded PRNG so shuffles and generated inputs reproduce. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

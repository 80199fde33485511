// `planOver(n)`: how long catalog + plan take for a project with n agents (budget: < 0.5 s for 1,000).
// Builds a throwaway project of synthetic agents and an in-memory ledger in which 5% of them were used.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../runtime/config/schema';
import { openDatabase } from '../../ledger/driver';
import { tokenizerLoaded, countTokens } from '../../runtime/tokens/count';
import { planProject } from './curate';

export interface PlanBench {
  agents: number;
  /** Building the cl100k encoder, if this process had not yet (0 otherwise). */
  tokenizerMs: number;
  /** catalog + usage + rank + select + plan on files never seen by this process. */
  firstPlanMs: number;
  /** The same again: what each watcher re-plan costs when few files changed. */
  repeatPlanMs: number;
  moves: number;
  savedTokens: number;
}

const WORDS = ('review test refactor deploy database schema migration api endpoint latency cache queue kubernetes terraform ' +
  'security audit typescript react rust python performance profiling accessibility docs release incident logging metrics').split(' ');

export function makeSyntheticProject(n: number, salt = Math.random().toString(36).slice(2)): string {
  const project = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const agents = join(project, '.claude', 'agents');
  mkdirSync(agents, { recursive: true });
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 20 + (i % 40) }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join(' ');
    const tools = i % 3 === 0 ? '' : `tools: Read, Grep, Glob${i % 2 ? ', Bash' : ''}\n`;
    writeFileSync(
      join(agents, `agent-${i}.md`),
      `---\nname: agent-${i}\ndescription: Use for ${words} (${salt})\n${tools}model: sonnet\n---\n\nYou are agent ${i}. ${words}\n`,
    );
  }
  return project;
}

export function planOver(n: number): PlanBench {
  const project = makeSyntheticProject(n);
  const ledger = openDatabase(':memory:');
  try {
    ledger.exec(`CREATE TABLE dispatches (id INTEGER PRIMARY KEY, project TEXT, agent_type TEXT, via_proxy INTEGER,
      status TEXT, started_at INTEGER, total_tokens INTEGER)`);
    const now = Date.now();
    const insert = ledger.prepare('INSERT INTO dispatches (project, agent_type, via_proxy, status, started_at, total_tokens) VALUES (?, ?, 0, ?, ?, 1000)');
    for (let i = 0; i < n; i += 20) for (let k = 0; k < 5; k++) insert.run(project, `agent-${i}`, 'completed', now - k * 86_400_000);

    const t0 = performance.now();
    if (!tokenizerLoaded()) countTokens('warm up');
    const t1 = performance.now();
    const input = { config: defaultConfig(), ledger, now, tokenCacheFile: false as const };
    const first = planProject(project, input);
    const t2 = performance.now();
    planProject(project, input);
    const t3 = performance.now();
    return {
      agents: n,
      tokenizerMs: round(t1 - t0),
      firstPlanMs: round(t2 - t1),
      repeatPlanMs: round(t3 - t2),
      moves: first.plan.moves.length,
      savedTokens: first.plan.savedTokens,
    };
  } finally {
    ledger.close();
    rmSync(project, { recursive: true, force: true });
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

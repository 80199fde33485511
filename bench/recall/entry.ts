// Bundled by bench/recall.mjs: the recall sets, and ranking timed over 1,000 agents the way the
// resident server ranks (index cached per project, freshness checked on every call).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectIndex } from '../../src/discovery/project-index';
export { runSet } from './sets';

const QUERIES = [
  'review a pull request for security problems',
  'k8s deployment keeps crashing',
  'tune slow postgres queries',
  'write unit tests first for the parser',
  'a11y audit of the signup form',
  'set up ci/cd for a node service',
  'design a GraphQL schema',
  'build an ios app in swiftui',
  'terraform modules for aws',
  'explain this legacy cobol code',
];

export function rankTiming(corpora: string, count: number) {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-rank-timing-'));
  const ext = path.join(project, '.claude', 'agents-extended');
  fs.mkdirSync(ext, { recursive: true });
  const files: string[] = [];
  for (const folder of fs.readdirSync(corpora).sort()) {
    const dir = path.join(corpora, folder);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.md')) files.push(path.join(dir, f));
  }
  // Real files first; past them, renamed copies (the worst case for near-duplicate grouping).
  for (let i = 0; i < count; i++) {
    const src = files[i % files.length]!;
    const round = Math.floor(i / files.length);
    let text = fs.readFileSync(src, 'utf8');
    if (round > 0) text = text.replace(/^name:\s*(.+)$/m, (_m, n: string) => `name: ${n.trim().replace(/^["']|["']$/g, '')}-copy${round}`);
    fs.writeFileSync(path.join(ext, `${i}-${path.basename(src)}`), text);
  }
  try {
    let t = performance.now();
    const built = projectIndex(project);
    const buildMs = performance.now() - t;
    const times: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (const q of QUERIES) {
        t = performance.now();
        projectIndex(project).index.rank(q, { limit: 5 });
        times.push(performance.now() - t);
      }
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    return { agents: built.agents.length, buildMs, medianMs: at(0.5), p95Ms: at(0.95), maxMs: times[times.length - 1]! };
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

// Bundled by bench/recall.mjs: the recall sets, and ranking timed over 1,000 agents the way the
// resident server ranks (index cached per project, freshness checked on every call).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectIndex } from '../../src/core/discovery/project-index';
export { readSet, runSet, setNames } from './sets';
import table from '../../src/core/discovery/synonyms.json';
import technologies from '../../src/core/discovery/technologies.json';

/** Every key of the synonym table, and every jargon key of the technology fingerprints (technologies.json). */
export function tableKeys(): string[] {
  const jargon = technologies.technologies.flatMap((t) => t.jargon);
  return [...new Set([...Object.keys({ ...table.abbreviations, ...table.related }), ...jargon])].sort();
}

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
  // A typo: the first one after a build also builds the spelling tree (./spelling.ts).
  'kuberntes pods evicted on the staging clsuter',
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
  // Every real file, then renamed copies up to `count` distinct names (copies are the worst case
  // for near-duplicate grouping: same description, name one word longer).
  const seen = new Set<string>();
  for (let i = 0; seen.size < count && i < count * 3; i++) {
    const src = files[i % files.length]!;
    let text = fs.readFileSync(src, 'utf8');
    const name = /^name:[ \t]*["']?([^"'\n]+?)["']?[ \t]*$/m.exec(text)?.[1];
    if (!name) continue;
    let unique = name;
    for (let k = 2; seen.has(unique); k++) unique = `${name}-copy${k}`;
    seen.add(unique);
    if (unique !== name) text = text.replace(/^name:.*$/m, `name: ${unique}`);
    fs.writeFileSync(path.join(ext, `${i}-${path.basename(src)}`), text);
  }
  try {
    let t = performance.now();
    const built = projectIndex(project);
    const buildMs = performance.now() - t;
    // CPU time as well as wall time: on a shared, loaded machine the wall clock mostly measures
    // the wait for a core.
    const wall: number[] = [];
    const cpu: number[] = [];
    // The first queries after a build, before the JIT has warmed up: ranking and freshness apart.
    const rankOnly: number[] = [];
    const fresh: number[] = [];
    const index = built.index;
    for (const q of QUERIES) {
      const c = process.cpuUsage();
      index.rank(q, { limit: 5 });
      const d = process.cpuUsage(c);
      rankOnly.push((d.user + d.system) / 1000);
      const c2 = process.cpuUsage();
      projectIndex(project);
      const d2 = process.cpuUsage(c2);
      fresh.push((d2.user + d2.system) / 1000);
    }
    for (let round = 0; round < 20; round++) {
      for (const q of QUERIES) {
        t = performance.now();
        const c = process.cpuUsage();
        projectIndex(project).index.rank(q, { limit: 5 });
        const d = process.cpuUsage(c);
        wall.push(performance.now() - t);
        cpu.push((d.user + d.system) / 1000);
      }
    }
    const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
    return {
      agents: built.agents.length,
      buildMs,
      medianMs: at(wall, 0.5),
      p95Ms: at(wall, 0.95),
      maxMs: at(wall, 1),
      cpuMedianMs: at(cpu, 0.5),
      cpuP95Ms: at(cpu, 0.95),
      rankCpuMedianMs: at(rankOnly, 0.5),
      rankCpuMaxMs: at(rankOnly, 1),
      freshnessCpuMedianMs: at(fresh, 0.5),
    };
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

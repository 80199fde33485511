// The search index of a project's agents, built once and kept while the agent files stay the same:
// the resident server answers every discover_agents call from it. Freshness is a listing of the two
// agent folders with each file's size and mtime (no reads), compared on every call; a moved, added,
// removed or edited file rebuilds the index.
import { statSync } from 'node:fs';
import { projectLayout } from '../curator/layout';
import { scanAgentDir } from '../curator/scan';
import { loadCollection, type DiscoveryAgent } from './collection';
import { AgentIndex } from './rank';

export interface ProjectIndex {
  agents: DiscoveryAgent[];
  index: AgentIndex<DiscoveryAgent>;
  signature: string;
  builtAt: number;
}

const cache = new Map<string, ProjectIndex>();

export function agentFilesSignature(project: string): string {
  const layout = projectLayout(project);
  const parts: string[] = [];
  for (const [tier, dir] of [
    ['core', layout.core],
    ['extended', layout.extended],
  ] as const) {
    const scan = scanAgentDir(dir, tier === 'extended' ? { skipTopLevel: ['.agent-warden'] } : {});
    for (const file of scan.files) {
      try {
        const st = statSync(file.abs);
        parts.push(`${tier}/${file.rel}:${st.size}:${st.mtimeMs}`);
      } catch {
        parts.push(`${tier}/${file.rel}:gone`);
      }
    }
  }
  return parts.join('\n');
}

/** The project's agents and their index, rebuilt only when the agent files changed. */
export function projectIndex(project: string, now = Date.now()): ProjectIndex {
  const signature = agentFilesSignature(project);
  const known = cache.get(project);
  if (known && known.signature === signature) return known;
  const agents = loadCollection(project);
  const built = { agents, index: new AgentIndex(agents), signature, builtAt: now };
  cache.set(project, built);
  return built;
}

/** For tests and the bench: forget every cached index. */
export function clearProjectIndexes(): void {
  cache.clear();
}

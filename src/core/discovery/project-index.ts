// The search index of a project's agents, built once and kept while the agent files stay the same:
// the resident server answers every discover_agents call from it. Freshness: every call compares
// the agent folders' own mtimes (a file added, removed or moved by the curator changes them: a few
// stats); at most once a second it also compares every file's size and mtime (an edit in place).
// Either change rebuilds the index.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectLayout } from '../curator/layout';
import { loadCollection, type DiscoveryAgent } from './collection';
import { AgentIndex } from './rank';

export interface ProjectIndex {
  agents: DiscoveryAgent[];
  index: AgentIndex<DiscoveryAgent>;
  builtAt: number;
}

interface Cached extends ProjectIndex {
  folders: string;
  files: string;
  filesCheckedAt: number;
}

const FILES_CHECK_MS = 1000;
const MAX_DEPTH = 8;
const cache = new Map<string, Cached>();

function roots(project: string): string[] {
  const layout = projectLayout(project);
  return [layout.core, layout.extended];
}

/** Size and mtime of every agent file, and mtime of every folder, below the two agent folders. */
export function agentFilesSignature(project: string): { folders: string; files: string } {
  const folders: string[] = [];
  const files: string[] = [];
  const walk = (dir: string, depth: number, top: boolean): void => {
    let st;
    try {
      st = statSync(dir);
    } catch {
      folders.push(`${dir}:none`);
      return;
    }
    folders.push(`${dir}:${st.mtimeMs}`);
    if (!st.isDirectory() || depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (top && e.name === '.agent-warden') continue;
      const abs = join(dir, e.name);
      if (e.isDirectory()) walk(abs, depth + 1, false);
      else if (e.name.endsWith('.md')) {
        try {
          const f = statSync(abs);
          files.push(`${abs}:${f.size}:${f.mtimeMs}`);
        } catch {
          files.push(`${abs}:gone`);
        }
      }
    }
  };
  for (const root of roots(project)) walk(root, 0, true);
  return { folders: folders.join('\n'), files: files.join('\n') };
}

/** The mtimes of the folders the last full look found: a few stats. */
function folderStamp(known: Cached): string {
  return known.folders
    .split('\n')
    .map((line) => {
      const dir = line.slice(0, line.lastIndexOf(':'));
      try {
        return `${dir}:${statSync(dir).mtimeMs}`;
      } catch {
        return `${dir}:none`;
      }
    })
    .join('\n');
}

/** The project's agents and their index, rebuilt only when the agent files changed. */
export function projectIndex(project: string, now = Date.now()): ProjectIndex {
  const known = cache.get(project);
  if (known && folderStamp(known) === known.folders && now - known.filesCheckedAt < FILES_CHECK_MS) return known;
  const sig = agentFilesSignature(project);
  if (known && sig.folders === known.folders && sig.files === known.files) {
    known.filesCheckedAt = now;
    return known;
  }
  const agents = loadCollection(project);
  const built: Cached = { agents, index: new AgentIndex(agents), builtAt: now, folders: sig.folders, files: sig.files, filesCheckedAt: now };
  cache.set(project, built);
  return built;
}

/** For tests and the bench: forget every cached index. */
export function clearProjectIndexes(): void {
  cache.clear();
}

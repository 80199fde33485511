// The agents discovery serves, from the curator's catalog: the core set (listed by Claude Code)
// and the extended set (.claude/agents-extended, and user/plugin agents the curator hides here),
// reachable only through discovery and the proxy.
// For the long-lived server: building a catalog parses every file and counts tokens exactly.
import { homedir } from 'node:os';
import { buildCatalog, type AgentEntry } from '../curator/catalog';
import { userAgentsDir } from '../curator/layout';
import { agentCategory } from './category';

export interface DiscoveryAgent {
  name: string;
  tier: 'core' | 'extended';
  /** Where it comes from: the project, the user's ~/.claude/agents, or a plugin. */
  source: 'project' | 'user' | 'plugin';
  /** First sentence of the description, without `<example>` blocks. */
  summary: string;
  description: string;
  category?: string;
  body: string;
  model?: string;
  tools?: string[];
  listingTokens: number;
  file: string;
}

export function loadCollection(project: string, home = homedir()): DiscoveryAgent[] {
  const catalog = buildCatalog(project, { userDir: userAgentsDir(home), pluginHome: home });
  const byName = new Map<string, DiscoveryAgent>();
  for (const entry of catalog.entries) {
    if (!entry.listable || entry.shadowed) continue;
    const known = byName.get(entry.name);
    // Claude Code lists the core copy of a duplicated name; that is the one a dispatch reaches.
    if (known && (known.tier === 'core' || entry.tier === 'extended')) continue;
    byName.set(entry.name, toAgent(entry));
  }
  return [...byName.values()];
}

function toAgent(entry: AgentEntry): DiscoveryAgent {
  return {
    name: entry.name,
    tier: entry.tier === 'extended' || entry.hidden ? 'extended' : 'core',
    source: entry.tier === 'user' ? 'user' : entry.tier === 'plugin' ? 'plugin' : 'project',
    summary: oneLine(entry.description),
    description: entry.description,
    category: agentCategory(entry.relPath, entry.category),
    body: entry.body,
    model: entry.model,
    tools: entry.tools,
    listingTokens: entry.listingTokens,
    file: entry.file,
  };
}

export function oneLine(description: string, max = 200): string {
  const plain = description
    .replace(/<example>[\s\S]*?(<\/example>|$)/gi, ' ')
    .replaceAll('\\n', ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(plain)?.[1] ?? plain;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

// The agents discovery serves, from the curator's catalog: the core set (listed by Claude Code)
// and the extended set (.claude/agents-extended, reachable only through discovery and the proxy).
// For the long-lived server: building a catalog parses every file and counts tokens exactly.
import { buildCatalog, type AgentEntry } from '../curator/catalog';
import { agentCategory } from './category';

export interface DiscoveryAgent {
  name: string;
  tier: 'core' | 'extended';
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

export function loadCollection(project: string): DiscoveryAgent[] {
  const catalog = buildCatalog(project);
  const byName = new Map<string, DiscoveryAgent>();
  for (const entry of catalog.entries) {
    if (!entry.listable || entry.tier === 'user') continue;
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
    tier: entry.tier as 'core' | 'extended',
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

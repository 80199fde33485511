// The two discovery tools, as plain functions from arguments to an MCP tool result so they can be
// tested without a transport. Failures are results with isError, never thrown.
import { readFileSync } from 'node:fs';
import type { DiscoveryAgent } from '../core/discovery/collection';
import { discover } from '../core/discovery/discover';
import { invalidAgentName } from '../core/discovery/names';
import { projectIndex } from '../core/discovery/project-index';
import type { Ledger } from '../ledger/db';

export interface ToolResult {
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  [key: string]: unknown;
}

import { DEFAULT_LIMIT, MAX_LIMIT } from './discovery-limits';
export { DEFAULT_LIMIT, MAX_LIMIT };

const DISPATCH_HINT = 'Dispatch one with the Agent tool, subagent_type = its name (agent-warden routes extended agents).';
const NO_MATCH_HINT = 'Try other words, or use general-purpose.';

const fail = (text: string): ToolResult => ({ content: [{ type: 'text', text }], isError: true });

/** What the tools may use besides the agent files: the ledger for the usage prior. */
export interface DiscoveryDeps {
  ledger?: () => Ledger | undefined;
  halfLifeDays?: number;
}

export function discoverAgents(project: string, args: { query?: unknown; limit?: unknown }, deps: DiscoveryDeps = {}): ToolResult {
  if (typeof args.query !== 'string' || args.query.trim() === '') return fail('discover_agents needs a "query": describe the task in a few words.');
  const limit = typeof args.limit === 'number' && Number.isFinite(args.limit) ? Math.min(MAX_LIMIT, Math.max(1, Math.floor(args.limit))) : DEFAULT_LIMIT;
  const { results } = discover(project, args.query, { limit, ledger: deps.ledger?.(), halfLifeDays: deps.halfLifeDays });
  const agents = results.map(({ doc, score, also }) => ({
    name: doc.name,
    description: doc.summary,
    tier: doc.tier,
    ...(doc.source !== 'project' ? { source: doc.source } : {}),
    ...(doc.category ? { category: doc.category } : {}),
    listing_tokens: doc.listingTokens,
    score: Math.round(score * 100) / 100,
    // The same role from other plugins or collections: each is still a valid subagent_type.
    ...(also.length ? { also: also.map((d) => d.name) } : {}),
  }));
  const lines = agents.map(
    (a, i) => `${i + 1}. ${a.name} [${a.tier}${a.category ? `, ${a.category}` : ''}, ${a.listing_tokens} tok]: ${a.description}${a.also ? ` (also: ${a.also.join(', ')})` : ''}`,
  );
  const text = agents.length ? `${lines.join('\n')}\n\n${DISPATCH_HINT}` : `No agent matches "${args.query}". ${NO_MATCH_HINT}`;
  // Claude Code hands the model the structured result when there is one, so the hint goes in both.
  return { content: [{ type: 'text', text }], structuredContent: { agents, next: agents.length ? DISPATCH_HINT : NO_MATCH_HINT } };
}

export function getAgentSpec(project: string, args: { name?: unknown }): ToolResult {
  const why = invalidAgentName(args.name);
  if (why) return fail(`get_agent_spec: ${why}.`);
  const name = args.name as string;
  const agent = projectIndex(project).agents.find((a) => a.name === name);
  if (!agent) {
    const near = discover(project, name.replace(/[-_:]/g, ' '), { limit: 3 }).results.map((r) => r.doc.name);
    return fail(`No agent is named "${name}".${near.length ? ` Close matches: ${near.join(', ')}.` : ''} Use discover_agents to search.`);
  }
  let definition: string;
  try {
    definition = readFileSync(agent.file, 'utf8');
  } catch (err) {
    return fail(`Could not read the definition of "${name}": ${(err as Error).message}`);
  }
  return { content: [{ type: 'text', text: `${header(agent)}\n\n${definition}` }] };
}

function header(agent: DiscoveryAgent): string {
  const category = agent.category ? `, category ${agent.category}` : '';
  return `${agent.name} (${agent.tier}${category}, ${agent.listingTokens} listing tokens; ${agent.file}):`;
}

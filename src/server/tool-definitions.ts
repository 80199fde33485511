// What tools/list returns: names, descriptions the model reads, JSON schemas and annotations.
import { DEFAULT_LIMIT, MAX_LIMIT } from './discovery-limits';
import { FORWARDED_FIELDS } from './forwarded-fields';

const agentSummary = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    tier: { type: 'string', enum: ['core', 'extended'] },
    category: { type: 'string' },
    listing_tokens: { type: 'integer' },
    score: { type: 'number' },
    also: { type: 'array', items: { type: 'string' }, description: 'Near-duplicates: the same role from other plugins or collections.' },
  },
  required: ['name', 'description', 'tier', 'listing_tokens'],
} as const;

// Claude Code defers MCP tools behind tool search by default; the index SessionStart gives the model
// names discover_agents, so it must be callable straight away.
const ALWAYS_LOAD = { 'anthropic/alwaysLoad': true };

export const toolDefinitions = [
  {
    name: 'discover_agents',
    title: 'Find a subagent for a task',
    description:
      'Search all installed subagents, including the extended ones not in the Agent listing, for the best fit to a task. Returns name, one-line description, tier and listing tokens; near-duplicates of a result (the same role from another plugin) are listed under also. Dispatch the result with the Agent tool (subagent_type = name).',
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'The task, in a few words (e.g. "review a Kubernetes manifest for security").' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      },
      required: ['query'],
    },
    outputSchema: {
      type: 'object',
      properties: { agents: { type: 'array', items: agentSummary }, next: { type: 'string' } },
      required: ['agents'],
    },
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    _meta: ALWAYS_LOAD,
  },
  {
    name: 'get_agent_spec',
    title: 'Read a subagent definition',
    description: 'The full definition (frontmatter and prompt) of one installed subagent, by exact name.',
    inputSchema: { type: 'object', properties: { name: { type: 'string', description: 'Exact agent name.' } }, required: ['name'] },
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    _meta: ALWAYS_LOAD,
  },
  {
    name: 'hook',
    title: 'agent-warden hook endpoint',
    description: 'Internal: called by agent-warden hooks. Do not call it yourself.',
    inputSchema: {
      type: 'object',
      properties: Object.fromEntries(Object.keys(FORWARDED_FIELDS).map((k) => [k, { type: 'string' }])),
    },
    annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    // Kept behind tool search: the model has no use for it.
    _meta: { 'anthropic/alwaysLoad': false },
  },
];

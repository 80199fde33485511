// The resident server's `hook` tool exists for Claude Code's mcp_tool hooks. The model can see it
// (deferred behind tool search) and could call it to write made-up events into the ledger (fake
// failures trip breakers, fake usage spends budgets), so calls from the model are refused.
import type { PreToolPolicy } from './policy/interface';

const INTERNAL = /^mcp__plugin_agent-warden_[^_]+__hook$/;

export const internalToolPolicy: PreToolPolicy = (_ctx, call) =>
  INTERNAL.test(call.toolName)
    ? {
        deny: {
          policy: 'internal-tool',
          reason: `agent-warden: ${call.toolName} is agent-warden's hook endpoint and only takes events from Claude Code itself. To find agents, call discover_agents or get_agent_spec instead.`,
        },
      }
    : undefined;

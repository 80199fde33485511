// The plugin's MCP server (stdio): discovery tools for the model, and the resident hook endpoint
// that answers hook events without a process per event. Logs go to stderr only; stdout is the
// protocol.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../config/load';
import { errorText, trace } from '../runtime/log';
import { projectOf } from '../runtime/paths';
import { discoverAgents, getAgentSpec, type ToolResult } from './discovery-tools';
import { announceResident, withdrawResident } from './heartbeat';
import { ResidentHooks } from './resident-hook';
import { startTeamSync } from '../team/background';
import { toolDefinitions } from './tool-definitions';

declare const __WARDEN_VERSION__: string;

const project = projectOf(undefined);
// Announced after the first hook event served, not at the handshake: a server that Claude Code has
// just (re)started may be up before its hooks reach it, and until they do the command hook must
// keep recording (an event both paths deliver is stored once).
const hooks = new ResidentHooks(() => announceResident());

// Team budgets: this machine's usage pushed and the team's spend fetched in the background, so
// PreToolUse reads a fresh team figure from the ledger and never waits on the network.
const teamSync = startTeamSync({ ledger: () => hooks.ledger(), project });

const server = new Server({ name: 'agent-warden', version: __WARDEN_VERSION__ }, { capabilities: { tools: {} } });

server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolDefinitions }));

server.setRequestHandler(CallToolRequestSchema, async (req): Promise<ToolResult> => {
  const args = (req.params.arguments ?? {}) as Record<string, unknown>;
  try {
    switch (req.params.name) {
      case 'discover_agents':
        return discoverAgents(project, args, { ledger: () => hooks.ledger(), halfLifeDays: halfLifeDays() });
      case 'get_agent_spec':
        return getAgentSpec(project, args);
      case 'hook':
        return hooks.handle(args);
      default:
        return { content: [{ type: 'text', text: `Unknown tool ${req.params.name}.` }], isError: true };
    }
  } catch (err) {
    trace(`server: ${req.params.name} failed: ${errorText(err)}`);
    return { content: [{ type: 'text', text: `agent-warden: ${req.params.name} failed (${errorText(err)}). Run \`agent-warden doctor\`.` }], isError: true };
  }
});


function halfLifeDays(): number | undefined {
  try {
    return loadConfig(project).config.core.half_life_days;
  } catch {
    return undefined; // discovery falls back to the default half-life; config errors surface in hooks and doctor
  }
}

function shutdown(): void {
  void teamSync.stop();
  withdrawResident();
  hooks.close();
  process.exit(0);
}
process.stdin.on('close', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('exit', () => withdrawResident());

server.connect(new StdioServerTransport()).catch((err) => {
  trace(`server: could not start: ${errorText(err)}`);
  process.exit(1);
});

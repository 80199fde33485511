// Everything the server needs beyond tools/list: the resident hook endpoint and the discovery
// tools. Built into its own file (dist/server-resident.cjs, see scripts/build.mjs) and loaded by
// main.ts just after the handshake, so the handshake answers as fast as a bare Node process.
import { loadConfig } from '../runtime/config/load';
import { projectOf } from '../runtime/paths';
import { discoverAgents, getAgentSpec, type ToolResult } from './discovery-tools';
import { ResidentHooks } from './resident-hook';
import { startTeamSync } from '../team/background';

export interface Resident {
  call(name: string, args: Record<string, unknown>): ToolResult;
  /** Opens the ledger ahead of the first hook event (migrating it if needed), off its critical path. */
  warm(): void;
  close(): void;
}

export function startResident(onFirstServed: () => void): Resident {
  const project = projectOf(undefined);
  const hooks = new ResidentHooks(onFirstServed);
  // Team budgets: this machine's usage pushed and the team's spend fetched in the background, so
  // PreToolUse reads a fresh team figure from the ledger and never waits on the network.
  const teamSync = startTeamSync({ ledger: () => hooks.ledger(), project });
  const halfLifeDays = (): number | undefined => {
    try {
      return loadConfig(project).config.core.half_life_days;
    } catch {
      return undefined; // discovery falls back to the default half-life; config errors surface in hooks and doctor
    }
  };
  return {
    call(name, args) {
      switch (name) {
        case 'hook':
          return hooks.handle(args);
        case 'discover_agents':
          return discoverAgents(project, args, { ledger: () => hooks.ledger(), halfLifeDays: halfLifeDays() });
        case 'get_agent_spec':
          return getAgentSpec(project, args);
        default:
          return { content: [{ type: 'text', text: `Unknown tool ${name}.` }], isError: true };
      }
    },
    warm: () => void hooks.ledger(),
    close: () => {
      void teamSync.stop();
      hooks.close();
    },
  };
}

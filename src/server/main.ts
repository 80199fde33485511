// The plugin's MCP server (stdio): discovery tools for the model, and the resident hook endpoint
// that answers hook events without a process per event. Logs go to stderr only; stdout is the
// protocol. Start-up is kept to the handshake (issue 20: a session waits for it): the rest of the
// server (ledger, hooks, discovery) is loaded from its own bundle right after tools/list, while
// Claude Code sends its first model request.
import { errorText, trace } from '../runtime/log';
import { announceResident, withdrawResident } from './heartbeat';
import type { Resident } from './resident-entry';
import { serveStdio } from './stdio-rpc';
import { toolDefinitions } from './tool-definitions';

declare const __WARDEN_VERSION__: string;

let resident: Resident | undefined;
// Announced after the first hook event served, not at the handshake: a server that Claude Code has
// just (re)started may be up before its hooks reach it, and until they do the command hook must
// keep recording (an event both paths deliver is stored once).
function loaded(): Resident {
  // The bundle maps this require to dist/server-resident.cjs (scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  resident ??= (require('./resident-entry') as typeof import('./resident-entry')).startResident(() => announceResident());
  return resident;
}

const server = serveStdio({ name: 'agent-warden', version: __WARDEN_VERSION__ }, { tools: {} });

server.on('tools/list', () => {
  setImmediate(() => {
    try {
      loaded().warm();
    } catch (err) {
      trace(`server: could not load its hook endpoint: ${errorText(err)}`);
    }
  });
  return { tools: toolDefinitions };
});

server.on('tools/call', (params) => {
  const name = String(params.name ?? '');
  const args = (params.arguments && typeof params.arguments === 'object' ? params.arguments : {}) as Record<string, unknown>;
  try {
    return loaded().call(name, args);
  } catch (err) {
    trace(`server: ${name} failed: ${errorText(err)}`);
    return { content: [{ type: 'text', text: `agent-warden: ${name} failed (${errorText(err)}). Run \`agent-warden doctor\`.` }], isError: true };
  }
});

function shutdown(): void {
  withdrawResident();
  resident?.close();
  process.exit(0);
}
server.onClose(shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('exit', () => withdrawResident());

// The MCP stdio transport, for the few methods this server answers: newline-delimited JSON-RPC 2.0
// on stdin/stdout (the MCP stdio transport). Written out rather than taken from
// @modelcontextprotocol/sdk because loading the SDK (its zod schemas for every MCP type) cost each
// session ~45 ms before the first tools/list, 1.7x a whole `node -e ""` (issue 20, measured); the
// protocol subset a tools-only server speaks is the few lines below. Tests still drive it with
// the SDK's own client (test/integration/hostile-files.test.ts, test/e2e/resident.test.ts).

export type Handler = (params: Record<string, unknown>) => unknown;

/** Protocol versions this server speaks (a tools-only server is the same in each). */
const VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

interface Message {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
}

export interface RpcServer {
  /** Answers `method` with what `handler` returns (or throws: a JSON-RPC error). */
  on(method: string, handler: Handler): void;
  /** Called once stdin ends (Claude Code closed the session). */
  onClose(fn: () => void): void;
}

export function serveStdio(info: { name: string; version: string }, capabilities: Record<string, unknown>): RpcServer {
  const handlers = new Map<string, Handler>();
  const closers: Array<() => void> = [];
  const send = (m: unknown) => process.stdout.write(`${JSON.stringify(m)}\n`);
  handlers.set('initialize', (params) => {
    const asked = params.protocolVersion;
    const protocolVersion = typeof asked === 'string' && VERSIONS.includes(asked) ? asked : VERSIONS[0];
    return { protocolVersion, capabilities, serverInfo: info };
  });
  handlers.set('ping', () => ({}));

  const dispatch = (m: Message) => {
    if (!m || typeof m !== 'object' || typeof m.method !== 'string') return; // a response or junk: nothing to answer
    const isRequest = m.id !== undefined && m.id !== null;
    const handler = handlers.get(m.method);
    if (!isRequest) return; // notifications (initialized, cancelled) need no answer
    if (!handler) return send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: `Method not found: ${m.method}` } });
    try {
      send({ jsonrpc: '2.0', id: m.id, result: handler(m.params && typeof m.params === 'object' ? m.params : {}) });
    } catch (err) {
      send({ jsonrpc: '2.0', id: m.id, error: { code: -32603, message: err instanceof Error ? err.message : String(err) } });
    }
  };

  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
        continue;
      }
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) dispatch(m as Message);
    }
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const fn of closers) fn();
  };
  process.stdin.on('end', close);
  process.stdin.on('close', close);
  // Claude Code gone mid-answer (EPIPE): the session is over, not an error to crash on.
  process.stdout.on('error', close);
  return {
    on: (method, handler) => void handlers.set(method, handler),
    onClose: (fn) => void closers.push(fn),
  };
}

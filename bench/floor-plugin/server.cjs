// The floor plugin's MCP server (issue 20): newline-delimited JSON-RPC on stdio, no SDK, no
// ledger; its one tool, `hook`, answers at once with nothing. bench/session.mjs wires it as
// mcp_tool hooks to the events, matchers and input block of agent-warden's own mcp_tool hooks, so
// what agent-warden costs above this is its own share.
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
require('readline')
  .createInterface({ input: process.stdin })
  .on('line', (line) => {
    let m;
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    if (m.id === undefined) return;
    const result =
      m.method === 'initialize'
        ? { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'floor', version: '0.0.1' } }
        : m.method === 'tools/list'
          ? { tools: [{ name: 'hook', description: 'Does nothing.', inputSchema: { type: 'object', additionalProperties: true } }] }
          : m.method === 'tools/call'
            ? { content: [{ type: 'text', text: '' }] }
            : {};
    send({ jsonrpc: '2.0', id: m.id, result });
  });

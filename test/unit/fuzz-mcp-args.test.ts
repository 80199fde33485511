/**
 * The MCP server's tools take arguments from the model: any JSON at all. The exported tool
 * functions must answer every shape with a result (an isError result for bad input), never throw,
 * and get_agent_spec must refuse names that could walk out of the agent directories.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { discoverAgents, getAgentSpec } from '../../src/server/discovery-tools';
import { rebuildPayload } from '../../src/server/hook-input';
import { prng } from '../support/hook-runner';

const ODD: unknown[] = ['', ' ', '../../etc/passwd', '/etc/passwd', 'a/b', '..', 'x'.repeat(100_000), '\u0000', '\ud800', '🦀', -1, 0, 1e308, NaN, Infinity, null, true, [], {}, [1, 'a'], { a: { b: 1 } }];

it('discover_agents, get_agent_spec and the resident hook payload survive arbitrary arguments', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-mcp-fuzz-'));
  try {
    const r = prng(99);
    for (let i = 0; i < 400; i++) {
      const pick = () => ODD[r.int(ODD.length)];
      const d = discoverAgents(project, { query: pick(), limit: pick() });
      expect(Array.isArray(d.content) && typeof d.content[0]?.text === 'string', `case ${i}`).toBe(true);
      const g = getAgentSpec(project, { name: pick() });
      expect(g.isError, `case ${i}`).toBe(true); // the project has no agents; traversal names are refused
      expect(() => rebuildPayload({ tool_input: pick(), tool_response: pick(), duration_ms: pick() } as any)).not.toThrow();
    }
    expect(getAgentSpec(project, { name: '../../etc/passwd' }).content[0]!.text).not.toContain('root:');
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});

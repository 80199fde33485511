/**
 * The MCP server's tools take arguments from the model (or, for `hook`, from Claude Code's
 * mcp_tool templating): any JSON at all. Fuzzed with fast-check: discover_agents and
 * get_agent_spec answer every shape with a result (an isError result for bad input), never throw,
 * and get_agent_spec refuses names that could walk out of the agent directories; the resident
 * `hook` tool answers any arguments with exit-0 semantics (a result, no decision) and the payload
 * rebuild never throws.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { discoverAgents, getAgentSpec } from '../../src/server/discovery-tools';
import { FORWARDED_FIELDS, rebuildPayload } from '../../src/server/hook-input';
import { ResidentHooks } from '../../src/server/resident-hook';
import { makeWardenDirs, type WardenDirs } from '../support/hook-runner';

const SEED = Number(process.env.FUZZ_SEED ?? 99);
const ODD = fc.constantFrom<unknown>('', ' ', '../../etc/passwd', '/etc/passwd', 'a/b', '..', 'x'.repeat(100_000), '\u0000', '\ud800', '🦀', -1, 0, 1e308, NaN, Infinity, null, true, [], {}, [1, 'a'], { a: { b: 1 } });
const arg = fc.oneof(ODD, fc.anything({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }));

let dirs: WardenDirs;
const saved = { home: process.env.AGENT_WARDEN_HOME, project: process.env.CLAUDE_PROJECT_DIR };
beforeAll(() => {
  dirs = makeWardenDirs('mcp-fuzz');
  process.env.AGENT_WARDEN_HOME = dirs.home;
  process.env.CLAUDE_PROJECT_DIR = dirs.project;
});
afterAll(() => {
  process.env.AGENT_WARDEN_HOME = saved.home;
  process.env.CLAUDE_PROJECT_DIR = saved.project;
  dirs.cleanup();
});

it('discover_agents and get_agent_spec survive arbitrary arguments; traversal names are refused', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-mcp-fuzz-'));
  try {
    fc.assert(
      fc.property(arg, arg, arg, (query, limit, name) => {
        const d = discoverAgents(project, { query, limit });
        expect(Array.isArray(d.content) && typeof d.content[0]?.text === 'string').toBe(true);
        const g = getAgentSpec(project, { name });
        expect(g.isError).toBe(true); // the project has no agents; traversal names are refused
      }),
      { numRuns: 400, seed: SEED },
    );
    expect(getAgentSpec(project, { name: '../../etc/passwd' }).content[0]!.text).not.toContain('root:');
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});

it('the resident hook tool answers any arguments: a result, never a throw, never a decision', () => {
  const hooks = new ResidentHooks();
  const fields = Object.keys(FORWARDED_FIELDS);
  const args = fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 })), fc.oneof(arg, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))), { maxKeys: 10 });
  try {
    fc.assert(
      fc.property(args, (a) => {
        expect(() => rebuildPayload(a as never)).not.toThrow();
        const res = hooks.handle(a as never);
        const text = res.content[0]?.text ?? '';
        if (text) expect(JSON.parse(text).hookSpecificOutput?.permissionDecision).toBeUndefined();
      }),
      { numRuns: 300, seed: SEED + 1 },
    );
  } finally {
    hooks.close();
  }
});

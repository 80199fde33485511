/**
 * `agent-warden import` on the captured Claude Code 2.1.328 transcripts, as the fixture has them
 * (JSON with blanks after colons) and compact as Claude Code writes them. The importer parses only
 * the lines whose `"type"` can carry usage or a tool call; whichever way a line is spelled, the
 * billed tokens must equal an independent count that parses every line (each message id once, at
 * its largest figures). A line over the 8 MB cap is skipped and counted, a broken line is ignored,
 * a second run adds nothing, and `ledger rebuild` (costs settled once at its end, as the import
 * settles them once per batch) gives back the same sessions and dispatches.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixtureRun } from '../support/fixtures';
import { makeTempDir } from '../support/sandbox';
import { cliJson, runCli } from '../support/warden';

const temps: { cleanup(): void }[] = [];
afterAll(() => temps.forEach((t) => t.cleanup()));

function jsonlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsonlFiles(p) : e.name.endsWith('.jsonl') ? [p] : [];
  });
}

/** Billed tokens of every transcript, every line parsed: per file, each message id at its largest figures. */
function tokensByParsingEverything(projectsDir: string): number {
  let total = 0;
  for (const file of jsonlFiles(projectsDir)) {
    const byId = new Map<string, number[]>();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      let rec: any;
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
      const m = rec?.message;
      if (rec?.type !== 'assistant' || typeof m?.id !== 'string' || !m.usage) continue;
      const u = m.usage;
      const figures = [u.input_tokens, u.output_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens].map((v) => (typeof v === 'number' && v > 0 ? v : 0));
      const prev = byId.get(m.id);
      byId.set(m.id, prev ? prev.map((v, i) => Math.max(v, figures[i]!)) : figures);
    }
    for (const figures of byId.values()) total += figures.reduce((a, b) => a + b, 0);
  }
  return total;
}

/** The same history with every line written compact, as Claude Code writes it. */
function compactCopy(from: string, to: string): void {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      compactCopy(src, dst);
    } else if (e.name.endsWith('.jsonl')) {
      const lines = fs.readFileSync(src, 'utf8').split('\n').filter(Boolean);
      fs.writeFileSync(dst, lines.map((l) => JSON.stringify(JSON.parse(l))).join('\n') + '\n');
    } else fs.copyFileSync(src, dst);
  }
}

const totalTokens = (sessions: any[]) => sessions.reduce((n, s) => n + s.main_tokens + s.subagent_tokens, 0);

describe('import reads only the lines that matter, and counts as if it read them all', () => {
  const fixture = loadFixtureRun('hooks-dispatch');
  temps.push(fixture);
  const spaced = path.dirname(fixture.transcriptsDir);
  const compact = path.join(fixture.path, 'compact', 'projects');
  fs.mkdirSync(compact, { recursive: true });
  compactCopy(spaced, compact);
  // In the compact history: a 9 MB tool output (over the line cap) and a broken assistant line.
  const main = jsonlFiles(compact).find((f) => !f.includes(`${path.sep}subagents${path.sep}`))!;
  const sessionId = path.basename(main, '.jsonl');
  fs.appendFileSync(
    main,
    JSON.stringify({ type: 'user', sessionId, timestamp: '2026-11-23T16:00:00.000Z', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_big', content: 'y'.repeat(9_000_000) }] } }) +
      '\n' +
      '{"type":"assistant","sessionId":"' + sessionId + '","message":{"id":"msg_broken","usage":{"input_tokens":5\n',
  );

  for (const [name, projectsDir, skipped] of [
    ['spaced', spaced, 0],
    ['compact', compact, 1],
  ] as const) {
    it(`${name} JSON: tokens equal a count of every line, one dispatch per subagent, a second run adds nothing, a rebuild changes nothing`, () => {
      const home = makeTempDir('import-home');
      temps.push(home);
      const first = cliJson(['import', '--projects-dir', projectsDir], home.path);
      expect(first).toMatchObject({ sessions_seen: 2, sessions_imported: 2, dispatches_added: 4, lines_skipped: skipped });
      const second = cliJson(['import', '--projects-dir', projectsDir], home.path);
      expect(second).toMatchObject({ sessions_imported: 0, sessions_topped_up: 0, dispatches_added: 0, events_added: 0 });

      const sessions = cliJson<any[]>(['sessions', '--since', '3650d'], home.path);
      expect(sessions).toHaveLength(2);
      const expected = tokensByParsingEverything(projectsDir);
      expect(expected).toBeGreaterThan(0);
      expect(totalTokens(sessions)).toBe(expected);
      const dispatches = cliJson<any[]>(['dispatches', '--since', '3650d'], home.path);
      expect(dispatches.map((d) => d.agent_type).sort()).toEqual(['code-reviewer', 'general-purpose', 'general-purpose', 'general-purpose']);

      expect(runCli(['ledger', 'rebuild'], home.path).status).toBe(0);
      expect(cliJson<any[]>(['sessions', '--since', '3650d'], home.path)).toEqual(sessions);
      expect(cliJson<any[]>(['dispatches', '--since', '3650d'], home.path)).toEqual(dispatches);
    });
  }
});

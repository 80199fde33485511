// Finding Claude Code's history on disk: `<projects>/<project folder>/<session>.jsonl` for each main
// thread and `<session>/subagents/agent-<id>.jsonl` (with its `.meta.json`) for each subagent.
// Only regular files are taken: a symlink or a special file in someone's projects folder is skipped.
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

export interface TranscriptFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

export interface SessionFiles {
  sessionId: string;
  main: TranscriptFile;
  subagents: (TranscriptFile & { agentId: string })[];
  /** Main and subagent transcripts together. */
  bytes: number;
}

const SESSION_FILE = /^([0-9A-Za-z][0-9A-Za-z_-]{0,127})\.jsonl$/;
const AGENT_FILE = /^agent-([0-9A-Za-z_-]{1,128})\.jsonl$/;

export function scanProjects(projectsDir: string, opts: { sinceMs?: number } = {}): SessionFiles[] {
  const sessions: SessionFiles[] = [];
  for (const projectDir of entries(projectsDir)) {
    if (!projectDir.isDirectory()) continue;
    const dir = join(projectsDir, projectDir.name);
    for (const entry of entries(dir)) {
      const match = entry.isFile() ? SESSION_FILE.exec(entry.name) : null;
      if (!match) continue;
      const main = regularFile(join(dir, entry.name));
      if (!main) continue;
      const subagents = subagentFiles(join(dir, match[1]!, 'subagents'));
      const newest = Math.max(main.mtimeMs, ...subagents.map((s) => s.mtimeMs));
      if (opts.sinceMs !== undefined && newest < opts.sinceMs) continue;
      sessions.push({ sessionId: match[1]!, main, subagents, bytes: main.bytes + subagents.reduce((n, s) => n + s.bytes, 0) });
    }
  }
  // Oldest first, so an interrupted import resumes where history left off.
  return sessions.sort((a, b) => a.main.mtimeMs - b.main.mtimeMs || a.sessionId.localeCompare(b.sessionId));
}

function subagentFiles(dir: string): (TranscriptFile & { agentId: string })[] {
  const out: (TranscriptFile & { agentId: string })[] = [];
  for (const entry of entries(dir)) {
    const match = entry.isFile() ? AGENT_FILE.exec(entry.name) : null;
    const file = match ? regularFile(join(dir, entry.name)) : undefined;
    if (match && file) out.push({ ...file, agentId: match[1]! });
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || a.agentId.localeCompare(b.agentId));
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function regularFile(path: string): TranscriptFile | undefined {
  try {
    const st = lstatSync(path);
    return st.isFile() ? { path, bytes: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

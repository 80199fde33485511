// The few lines SessionStart adds so the model knows the extended agents exist and how to reach
// them. It runs in the command hook on every session start, so it only lists the folder and reads
// each file's first bytes for a `category:` line; no YAML parsing, no tokenizer.
import { readSync, openSync, closeSync } from 'node:fs';
import { projectLayout } from '../curator/layout';
import { scanAgentDir } from '../curator/scan';
import { agentCategory } from './category';

export const SERVER_NAME = 'warden';
export const DISCOVER_TOOL = `mcp__plugin_agent-warden_${SERVER_NAME}__discover_agents`;

/** Hard cap on the text; chars/3.3 stays under the 150-token budget even for dense text. */
const MAX_CHARS = 480;

export interface IndexOptions {
  /** The extended agents this project used most, best first (see usage-prior.ts mostUsed). */
  mostUsed?: (names: ReadonlySet<string>) => string[];
}

export function extendedIndex(project: string, opts: IndexOptions = {}): string | undefined {
  const scan = scanAgentDir(projectLayout(project).extended, { skipTopLevel: ['.agent-warden'] });
  if (scan.files.length === 0) return undefined;
  const counts = new Map<string, number>();
  const names = new Set<string>();
  for (const file of scan.files) {
    const head = frontmatterHead(file.abs);
    const category = agentCategory(file.rel, head && CATEGORY_LINE.exec(head)?.[1]);
    if (category) counts.set(category, (counts.get(category) ?? 0) + 1);
    // Names go into the model's context: plain agent-type names only, nothing a file could smuggle.
    const name = head && NAME_LINE.exec(head)?.[1];
    if (name && /^[A-Za-z0-9._:-]{1,64}$/.test(name)) names.add(name);
  }
  const used = names.size && opts.mostUsed ? opts.mostUsed(names) : [];
  const n = scan.files.length;
  const tail = `. To use one, call ${DISCOVER_TOOL} with the task, then call Agent with subagent_type set to the name it returns (agent-warden routes it).`;
  const plainHead = `agent-warden: ${n} more agent${n === 1 ? ' is' : 's are'} installed but not listed`;
  const usedHead = used.length ? `${plainHead}; used here before: ${used.join(', ')}` : plainHead;
  // The way in matters more than the names: they go first when the text would be too long.
  const head = (usedHead + tail).length <= MAX_CHARS ? usedHead : plainHead;
  const categories = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c, k]) => `${c} ${k}`);
  let text = head + tail;
  for (let shown = categories.length; shown > 0; shown--) {
    const more = shown < categories.length ? `, ${categories.length - shown} more` : '';
    const candidate = `${head} (by category: ${categories.slice(0, shown).join(', ')}${more})${tail}`;
    if (candidate.length <= MAX_CHARS) {
      text = candidate;
      break;
    }
  }
  return text;
}

const CATEGORY_LINE = /^category:[ \t]*["']?([^"'\n]+?)["']?[ \t]*$/m;
const NAME_LINE = /^name:[ \t]*["']?([^"'\n]+?)["']?[ \t]*$/m;

/** The file's frontmatter within its first KiB, read without parsing YAML. */
function frontmatterHead(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(1024);
    const bytes = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.toString('utf8', 0, bytes);
    const end = head.indexOf('\n---', 3);
    return end === -1 ? head : head.slice(0, end);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

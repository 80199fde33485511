// Finds the extended agent a dispatch names, cheaply enough for the command hook: list the two
// agent folders (no parsing), pick the few files that could declare the name, and parse only
// those with the curator's frontmatter reader.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { readAgentFields } from '../curator/agent-fields';
import { parseFrontmatter } from '../curator/frontmatter';
import { projectLayout } from '../curator/layout';
import { scanAgentDir, type ScannedFile } from '../curator/scan';
import { BUILT_IN_AGENTS, invalidAgentName } from './names';

export interface ExtendedAgent {
  name: string;
  file: string;
  body: string;
  description: string;
  model?: string;
}

/** The extended agent called `name`, unless Claude Code can already reach that name itself. */
export function findExtendedAgent(project: string, name: string): ExtendedAgent | undefined {
  if (invalidAgentName(name) || BUILT_IN_AGENTS.has(name) || name.includes(':')) return undefined;
  const layout = projectLayout(project);
  const extended = declaring(scanAgentDir(layout.extended, { skipTopLevel: ['.agent-warden'] }).files, name);
  if (!extended) return undefined;
  if (declaring(scanAgentDir(layout.core).files, name)) return undefined;
  return extended;
}

function declaring(files: ScannedFile[], name: string): ExtendedAgent | undefined {
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file.abs, 'utf8');
    } catch {
      continue;
    }
    if (!mayDeclare(file.rel, text, name)) continue;
    const fm = parseFrontmatter(text);
    const { fields } = readAgentFields(fm.data);
    if (fields.name === name && fields.description) {
      return { name, file: file.abs, body: fm.body.trim(), description: fields.description, model: fields.model };
    }
  }
  return undefined;
}

/** A cheap prefilter before parsing: the file is named after the agent or mentions its name. */
function mayDeclare(rel: string, text: string, name: string): boolean {
  const base = posix.basename(rel, '.md');
  if (base === name || base.endsWith(`__${name}`)) return true;
  const head = text.slice(0, 4096);
  return head.includes(name);
}

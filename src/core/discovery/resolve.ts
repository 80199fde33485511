// Finds the extended agent a dispatch names, cheaply enough for the command hook: list the two
// agent folders (no parsing), pick the few files that could declare the name, and parse only
// those with the curator's frontmatter reader.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { hiddenByCurator } from '../curator/agent-rules';
import { installedPlugins } from '../curator/installed-plugins';
import { readAgentFields } from '../curator/agent-fields';
import { parseFrontmatter } from '../curator/frontmatter';
import { projectLayout, userAgentsDir } from '../curator/layout';
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

/**
 * A user or plugin agent the curator hides from this project's listing (a deny rule it wrote), found
 * in the user's folder or the plugin's install folder; named as Claude Code would list it.
 */
export function findHiddenAgent(project: string, name: string, home = homedir()): ExtendedAgent | undefined {
  if (invalidAgentName(name) || BUILT_IN_AGENTS.has(name)) return undefined;
  if (!hiddenByCurator(projectLayout(project)).includes(name)) return undefined;
  const segments = name.split(':');
  if (segments.length === 1) return declaring(scanAgentDir(userAgentsDir(home)).files, name);
  const [plugin, ...rest] = segments;
  const installed = installedPlugins(home, project).find((p) => p.plugin === plugin);
  if (!installed) return undefined;
  const local = rest.at(-1)!;
  const folder = rest.slice(0, -1).join('/') || '.';
  const files = scanAgentDir(installed.agentsDir).files.filter((f) => posix.dirname(f.rel) === folder);
  const agent = declaring(files, local, true);
  return agent && { ...agent, name };
}

function declaring(files: ScannedFile[], name: string, fileNameFallback = false): ExtendedAgent | undefined {
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
    const declared = fields.name ?? (fileNameFallback ? posix.basename(file.rel, '.md') : undefined);
    if (declared === name && fields.description) {
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

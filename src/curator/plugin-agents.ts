// Agents that enabled plugins bring (`<plugin>:<name>`) are listed in every request too, but they
// live in the plugin's own install folder: the curator cannot move them, only report what they
// cost so the user can decide to disable a plugin. Installed plugins are read from Claude Code's
// `~/.claude/plugins/installed_plugins.json`; `--plugin-dir` plugins of a single session are not
// discoverable from outside it.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { countTokens } from '../tokens/count';
import { readAgentFields } from './agent-fields';
import { parseFrontmatter } from './frontmatter';
import { listingLine, parseToolList } from './listing';
import { scanAgentDir } from './scan';

export interface PluginAgent {
  name: string;
  plugin: string;
  file: string;
  tokens: number;
}

export interface PluginAgents {
  agents: PluginAgent[];
  tokens: number;
}

export function pluginAgents(home: string, project: string): PluginAgents {
  const installed = readJson(join(home, '.claude', 'plugins', 'installed_plugins.json'))?.plugins ?? {};
  // Project settings override the user's: a plugin can be switched off for one project.
  const enabled = { ...readJson(join(home, '.claude', 'settings.json'))?.enabledPlugins, ...readJson(join(project, '.claude', 'settings.json'))?.enabledPlugins };
  const agents: PluginAgent[] = [];
  for (const [id, installs] of Object.entries<any[]>(installed)) {
    if (enabled[id] === false || !Array.isArray(installs)) continue;
    const plugin = id.split('@')[0]!;
    const install = installs.find((i) => i?.scope !== 'project' || i?.projectPath === project) ?? installs[0];
    if (typeof install?.installPath !== 'string') continue;
    for (const file of scanAgentDir(join(install.installPath, 'agents')).files) {
      let text: string;
      try {
        text = readFileSync(file.abs, 'utf8');
      } catch {
        continue;
      }
      const { fields } = readAgentFields(parseFrontmatter(text).data);
      // Plugin agents fall back to the file name; sub-folders add namespace segments.
      const segments = posix.dirname(file.rel) === '.' ? [] : posix.dirname(file.rel).split('/');
      const name = [plugin, ...segments, fields.name ?? posix.basename(file.rel, '.md')].join(':');
      const line = listingLine(name, fields.description ?? `Agent from ${plugin} plugin`, parseToolList(fields.tools), parseToolList(fields.disallowedTools));
      agents.push({ name, plugin, file: file.abs, tokens: countTokens(line) });
    }
  }
  return { agents, tokens: agents.reduce((sum, a) => sum + a.tokens, 0) };
}

function readJson(file: string): any {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

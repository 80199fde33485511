// Every agent file the curator can see: the project's core (.claude/agents, listed by Claude Code),
// its extended set (.claude/agents-extended, reached through discovery), and optionally the user's
// ~/.claude/agents (listed too, never moved). Each entry carries its listing line and token cost.
// Anything the curator cannot be sure about (bad YAML, duplicate names, symlinks) is reported and
// marked immovable: it stays exactly where it is.
import { readFileSync, realpathSync } from 'node:fs';
import { readAgentFields } from './agent-fields';
import { parseFrontmatter } from './frontmatter';
import { join, posix, sep } from 'node:path';
import { markStuck, readEntry } from './entry';
import type { FrontmatterStatus } from './frontmatter';
import { deniedAgentTypes, hiddenByCurator, readSettingsLocal, settingsFile } from './agent-rules';
import { installedPlugins } from './installed-plugins';
import { type ProjectLayout, type Tier, isOutsideTier, projectLayout } from './layout';
import { listingLine } from './listing';
import { scanAgentDir } from './scan';
import { type TokenCache, defaultTokenCacheFile, tokenCacheFor } from './token-cache';

// The entry and problem types live with the code that reads one file (./entry.ts).
export type { AgentEntry, CatalogProblem, ProblemKind } from './entry';
import type { AgentEntry, CatalogProblem } from './entry';

export interface TierRoot {
  dir: string;
  exists: boolean;
  /** The folder (or `.claude`) is a symlink: nothing in it is moved. */
  redirected: boolean;
}

export interface Catalog {
  project: string;
  entries: AgentEntry[];
  problems: CatalogProblem[];
  roots: Partial<Record<Tier, TierRoot>>;
}

export interface CatalogOptions {
  /** The user's agents folder (`~/.claude/agents`) to include, read-only. */
  userDir?: string;
  /** The user's home: include the agents of the plugins installed there and enabled here, read-only. */
  pluginHome?: string;
  /** Where listing-line token counts persist between runs; false keeps them in memory only. */
  tokenCacheFile?: string | false;
}

export function buildCatalog(project: string, opts: CatalogOptions = {}): Catalog {
  const layout = projectLayout(project);
  const catalog: Catalog = { project, entries: [], problems: [], roots: {} };
  const projectReal = realOrSelf(project);
  const projectRoots: string[] = [];
  const sources: Array<{ tier: Tier; dir: string; expectedReal?: string }> = [
    { tier: 'core', dir: layout.core, expectedReal: join(projectReal, '.claude', 'agents') },
    { tier: 'extended', dir: layout.extended, expectedReal: join(projectReal, '.claude', 'agents-extended') },
  ];
  if (opts.userDir) sources.push({ tier: 'user', dir: opts.userDir });

  const tokens = tokenCacheFor(opts.tokenCacheFile === false ? undefined : (opts.tokenCacheFile ?? defaultTokenCacheFile()));
  const scans = sources.map((source) => {
    const scan = scanAgentDir(source.dir, { skipTopLevel: source.tier === 'extended' ? ['.agent-warden'] : [] });
    const redirected = scan.exists && source.expectedReal !== undefined && scan.realRoot !== source.expectedReal;
    catalog.roots[source.tier] = { dir: source.dir, exists: scan.exists, redirected };
    if (source.tier !== 'user' && scan.exists) projectRoots.push(scan.realRoot);
    if (redirected) {
      catalog.problems.push({
        kind: 'folder-redirected',
        severity: 'warning',
        tier: source.tier,
        file: source.dir,
        message: `${source.dir} is (or sits under) a symlink to ${scan.realRoot}`,
        hint: 'agent-warden never moves files through a symlink; make it a real folder to let the curator manage it',
      });
    }
    for (const p of scan.problems) catalog.problems.push({ kind: 'unreadable', severity: 'warning', tier: source.tier, file: p.abs, message: p.message });
    return { ...source, scan, redirected };
  });

  for (const { tier, scan, redirected } of scans) {
    const inside = tier === 'user' ? [scan.realRoot] : projectRoots;
    for (const file of scan.files) {
      const entry = readEntry(tier, file.abs, file.rel, catalog.problems, tokens);
      if (!entry) continue;
      if (file.viaSymlink) {
        const outside = !inside.some((root) => file.realPath.startsWith(root + sep));
        catalog.problems.push({
          kind: outside ? 'symlink-outside' : 'symlink',
          severity: outside ? 'warning' : 'info',
          tier,
          file: file.abs,
          name: entry.name,
          message: outside ? `symlink to ${file.realPath}, outside the agent folders` : `symlink to ${file.realPath}`,
          hint: 'symlinked agents are listed by Claude Code but never moved by agent-warden',
        });
        markStuck(entry, 'it is a symlink');
      }
      if (redirected) markStuck(entry, 'its folder is a symlink');
      catalog.entries.push(entry);
    }
  }
  if (opts.pluginHome) addPluginAgents(catalog, opts.pluginHome, tokens);
  markOutsideVisibility(catalog, layout);
  markDuplicates(catalog);
  tokens.flush();
  return catalog;
}

/**
 * Two files with one name are one listing slot whose winner depends on the client's file order;
 * moving either would change which definition answers, so both stay put. A project agent also
 * hides a user agent of the same name: moving it would let the user's version answer instead.
 */
function markDuplicates(catalog: Catalog): void {
  const byName = new Map<string, AgentEntry[]>();
  for (const entry of catalog.entries) {
    if (!entry.listable) continue;
    const group = byName.get(entry.name) ?? [];
    group.push(entry);
    byName.set(entry.name, group);
  }
  const tierOrder: Record<Tier, number> = { core: 0, extended: 1, user: 2, plugin: 3 };
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    group.sort((a, b) => tierOrder[a.tier] - tierOrder[b.tier] || (a.relPath < b.relPath ? -1 : 1));
    // The listed copy: the first project-core one, else the user's. Everything else in a listed tier is shadowed.
    const listed = group.find((e) => e.tier === 'core') ?? group.find((e) => e.tier === 'user') ?? group.find((e) => e.tier === 'plugin');
    for (const entry of group) if (entry !== listed && entry.tier !== 'extended') entry.shadowed = true;
    const where = group.map((e) => e.projectPath ?? e.file).join(', ');
    for (const entry of group) {
      markStuck(entry, `another agent is also named "${name}"`);
      catalog.problems.push({
        kind: 'duplicate-name',
        severity: 'warning',
        tier: entry.tier,
        file: entry.file,
        name,
        message: `${group.length} agents are named "${name}": ${where}`,
        hint: 'rename or delete all but one; agent-warden leaves duplicates in place',
      });
    }
  }
}

/** Agents of the enabled plugins, named `<plugin>:<name>` (sub-folders add segments), read-only. */
function addPluginAgents(catalog: Catalog, home: string, tokens: TokenCache): void {
  for (const plugin of installedPlugins(home, catalog.project)) {
    const scan = scanAgentDir(plugin.agentsDir);
    for (const file of scan.files) {
      const problems: CatalogProblem[] = [];
      const entry = readEntry('plugin', file.abs, file.rel, problems, tokens);
      if (!entry) continue;
      if (!entry.listable && (entry.frontmatter === 'ok' || entry.frontmatter === 'recovered')) {
        // Unlike project agents, a plugin agent without `name` is listed under its file name, and
        // one without `description` gets a stock one (2.1.328).
        const missing = problems.filter((p) => p.kind === 'missing-name' || p.kind === 'missing-description');
        const { fields } = readAgentFields(parseFrontmatter(readFileSync(file.abs, 'utf8')).data);
        if (missing.length > 0 && missing.length === problems.filter((p) => p.kind !== 'invalid-field').length && !fields.name?.includes(':')) {
          problems.splice(0, problems.length, ...problems.filter((p) => !missing.includes(p)));
          entry.listable = true;
          entry.movable = true;
          entry.stuck = undefined;
          entry.description ||= `Agent from ${plugin.plugin} plugin`;
        }
      }
      catalog.problems.push(...problems);
      const segments = posix.dirname(file.rel) === '.' ? [] : posix.dirname(file.rel).split('/');
      entry.name = [plugin.plugin, ...segments, entry.name].join(':');
      entry.plugin = plugin.plugin;
      if (entry.listable) {
        entry.listingLine = listingLine(entry.name, entry.description, entry.tools, entry.disallowedTools);
        entry.listingTokens = tokens.count(entry.listingLine);
      }
      catalog.entries.push(entry);
    }
  }
}

/**
 * User and plugin agents are hidden per project by deny rules in settings.local.json: the curator's
 * own (entry.hidden, reversible) and the user's (then Claude Code does not list it, and it is not ours).
 * When that file cannot be used, none of them can be hidden: they stay listed, in place.
 */
function markOutsideVisibility(catalog: Catalog, layout: ProjectLayout): void {
  const outside = catalog.entries.filter((e) => isOutsideTier(e.tier));
  if (outside.length === 0) return;
  const settings = readSettingsLocal(catalog.project);
  if (settings.state === 'invalid' || settings.state === 'unsafe') {
    catalog.problems.push({
      kind: 'settings-unusable',
      severity: 'warning',
      tier: 'user',
      file: settingsFile(catalog.project),
      message: `${settings.why}: user and plugin agents cannot be hidden in this project`,
      hint: 'fix or remove the file (agent-warden never edits a file it cannot parse)',
    });
    for (const entry of outside) markStuck(entry, 'settings.local.json cannot be used');
  }
  const denied = deniedAgentTypes(catalog.project);
  const ours = new Set(hiddenByCurator(layout));
  for (const entry of outside) {
    if (ours.has(entry.name) && denied.has(entry.name)) entry.hidden = true;
    else if (denied.has(entry.name)) {
      entry.listable = false;
      markStuck(entry, 'a deny rule of yours in settings.local.json hides it');
    }
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

// Agents of enabled plugins are listed in every request but live in the plugin's install folder:
// core plan reports their names and cost (never moves them); a plugin disabled in user or
// project settings costs nothing.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { pluginAgents } from '../../src/curator/plugin-agents';
import { listingLine } from '../../src/curator/listing';
import { countTokens } from '../../src/tokens/count';
import { makeTempDir, type TempDir } from '../support/sandbox';

const dirs: TempDir[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('agents of other plugins', () => {
  it('are named <plugin>:<name>, counted as the client lists them, and skipped when disabled', () => {
    const home = makeTempDir('plugin-home');
    const project = makeTempDir('plugin-project');
    dirs.push(home, project);
    const install = (plugin: string) => path.join(home.path, '.claude', 'plugins', 'cache', 'mkt', plugin, '1.0.0');
    write(path.join(install('reviewers'), 'agents', 'strict.md'), '---\nname: strict\ndescription: Reviews strictly.\ntools: Read, Grep\n---\nBody');
    write(path.join(install('reviewers'), 'agents', 'lang', 'go.md'), '---\ndescription: Go reviews.\n---\nBody');
    write(path.join(install('noisy'), 'agents', 'chatty.md'), '---\nname: chatty\ndescription: Talks a lot.\n---\nBody');
    write(
      path.join(home.path, '.claude', 'plugins', 'installed_plugins.json'),
      JSON.stringify({ version: 2, plugins: { 'reviewers@mkt': [{ scope: 'user', installPath: install('reviewers') }], 'noisy@mkt': [{ scope: 'user', installPath: install('noisy') }] } }),
    );
    write(path.join(home.path, '.claude', 'settings.json'), JSON.stringify({ enabledPlugins: { 'reviewers@mkt': true, 'noisy@mkt': true } }));
    write(path.join(project.path, '.claude', 'settings.json'), JSON.stringify({ enabledPlugins: { 'noisy@mkt': false } }));

    const found = pluginAgents(home.path, project.path);

    expect(found.agents.map((a) => a.name).sort()).toEqual(['reviewers:lang:go', 'reviewers:strict']);
    const strict = found.agents.find((a) => a.name === 'reviewers:strict')!;
    expect(strict.tokens).toBe(countTokens(listingLine('reviewers:strict', 'Reviews strictly.', ['Read', 'Grep'])));
    expect(found.tokens).toBe(found.agents.reduce((s, a) => s + a.tokens, 0));
  });
});

/**
 * Where the tests' fresh build lives. The global setup (test/global-setup.ts) builds the sources
 * into a temp plugin dir (the plugin's files plus that build as its dist/), so a test run never
 * rewrites the committed dist/; it names the dir in AGENT_WARDEN_TEST_PLUGIN for every test file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

/** The files of the plugin a user installs, besides dist/ (copied into the temp plugin dir). */
export const PLUGIN_FILES = ['.claude-plugin', '.mcp.json', 'agents', 'commands', 'hooks', 'skills', 'package.json'];

/** A temp plugin dir with a fresh build as its dist/; returns its path. */
export function buildPluginDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-plugin-')));
  fs.chmodSync(dir, 0o755); // tests run the CLI as another user too
  for (const item of PLUGIN_FILES) {
    if (fs.existsSync(path.join(REPO, item))) fs.cpSync(path.join(REPO, item), path.join(dir, item), { recursive: true });
  }
  // better-sqlite3 resolves from dist/ up through node_modules, as in a checkout.
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  const res = require('node:child_process').spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--out', path.join(dir, 'dist')], { cwd: REPO, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`the build into ${dir} failed (exit ${res.status})`);
  return dir;
}

/**
 * The plugin dir the tests load and run: the global setup's fresh build. Outside a vitest run
 * (e.g. a bench importing these helpers) there is none, so the checkout itself is used.
 */
export const PLUGIN_DIR = process.env.AGENT_WARDEN_TEST_PLUGIN || REPO;
export const DIST = path.join(PLUGIN_DIR, 'dist');

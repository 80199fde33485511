// The layout before the curator touched anything, so `restore` can put every file back. Written in
// full by the first apply; later applies only add files the curator is about to move for the first
// time (an agent the user added since), recording where the user had put them.
import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { Catalog } from './catalog';
import { CORE_DIR, EXTENDED_DIR, type ProjectLayout, stateFile } from './layout';
import type { Move } from './plan';
import { type ReadResult, readJson, writeJsonAtomic } from './state-file';

const manifestSchema = z.object({
  version: z.literal(1),
  createdAt: z.number(),
  extendedExisted: z.boolean(),
  /** Project-relative folders under both agent folders that existed before the curator. */
  dirs: z.array(z.string()),
  /** Project-relative original path and sha256 of every agent file, as first seen. */
  files: z.array(z.object({ path: z.string(), hash: z.string() })),
});

export type Manifest = z.output<typeof manifestSchema>;

const manifestFile = (layout: ProjectLayout) => join(layout.state, stateFile.manifest);

export function readManifest(layout: ProjectLayout): ReadResult<Manifest> {
  return readJson(manifestFile(layout), manifestSchema);
}

export function writeManifest(layout: ProjectLayout, manifest: Manifest): void {
  writeJsonAtomic(manifestFile(layout), manifest);
}

export function initialManifest(catalog: Catalog, now: number, extendedExisted: boolean): Manifest {
  const layout = { core: join(catalog.project, CORE_DIR), extended: join(catalog.project, EXTENDED_DIR) };
  return {
    version: 1,
    createdAt: now,
    extendedExisted,
    dirs: [...listDirs(layout.core, CORE_DIR), ...(extendedExisted ? listDirs(layout.extended, EXTENDED_DIR) : [])],
    files: catalog.entries.filter((e) => e.projectPath).map((e) => ({ path: e.projectPath!, hash: e.hash })),
  };
}

/** Adds the original place of files about to move that the manifest does not know yet. */
export function withMovedFiles(manifest: Manifest, catalog: Catalog, moves: readonly Move[]): Manifest {
  const known = new Set(manifest.files.map((f) => f.path));
  const dirs = new Set(manifest.dirs);
  const files = [...manifest.files];
  for (const move of moves) {
    if (known.has(move.from) || known.has(move.to)) continue;
    const entry = catalog.entries.find((e) => e.projectPath === move.from);
    files.push({ path: move.from, hash: entry?.hash ?? '' });
    const parts = move.from.split('/');
    for (let i = 2; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return { ...manifest, files, dirs: [...dirs] };
}

function listDirs(root: string, relRoot: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    found.push(rel);
    for (const entry of entries) {
      if (entry.isDirectory() && !(rel === EXTENDED_DIR && entry.name === '.agent-warden')) walk(join(dir, entry.name), `${rel}/${entry.name}`);
    }
  };
  walk(root, relRoot);
  return found;
}

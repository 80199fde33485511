// Finds agent files the way Claude Code does for .claude/agents: every `*.md` below the folder,
// hidden folders included, symlinks followed (ripgrep --files --hidden --follow --no-ignore).
// Symlinks are recorded, not trusted: the curator reads through them but never moves them.
import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toPosix } from './layout';

export interface ScannedFile {
  abs: string;
  /** Path below the scanned root, posix separators. */
  rel: string;
  /** The file itself is a symlink, or a folder on the way to it is. */
  viaSymlink: boolean;
  realPath: string;
}

export interface ScanResult {
  exists: boolean;
  /** The root folder's real location (differs from `root` when it, or a parent, is a symlink). */
  realRoot: string;
  files: ScannedFile[];
  problems: Array<{ abs: string; message: string }>;
}

export function scanAgentDir(root: string, opts: { skipTopLevel?: string[] } = {}): ScanResult {
  const result: ScanResult = { exists: false, realRoot: root, files: [], problems: [] };
  try {
    if (!statSync(root).isDirectory()) return result;
    result.realRoot = realpathSync(root);
  } catch {
    return result;
  }
  result.exists = true;
  const visited = new Set<string>([result.realRoot]);
  const skip = new Set(opts.skipTopLevel ?? []);

  const walk = (dir: string, rel: string, viaSymlink: boolean): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      result.problems.push({ abs: dir, message: `cannot read folder: ${(err as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (rel === '' && skip.has(entry.name)) continue;
      const abs = join(dir, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const isLink = entry.isSymbolicLink();
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (isLink) {
        try {
          const target = statSync(abs);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (err) {
          if (entry.name.endsWith('.md')) result.problems.push({ abs, message: `broken symlink: ${(err as Error).message}` });
          continue;
        }
      }
      if (isDir) {
        const real = safeRealpath(abs);
        if (visited.has(real)) continue; // a symlink loop, or a folder already walked
        visited.add(real);
        walk(abs, childRel, viaSymlink || isLink);
      } else if (isFile && entry.name.endsWith('.md')) {
        result.files.push({ abs, rel: toPosix(childRel), viaSymlink: viaSymlink || isLink, realPath: safeRealpath(abs) });
      }
    }
  };
  walk(root, '', false);
  return result;
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

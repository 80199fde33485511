// Files a dispatch prompt names are context the subagent will likely read: record each with its
// size in tokens (an estimate; bytes / 4) so reports can show what a dispatch was handed.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

const PATHISH = /(?:^|[\s'"`(])((?:\.{0,2}\/)?(?:[\w@.-]+\/)*[\w@-]+\.[A-Za-z0-9]{1,8})(?=$|[\s'"`),:;])/g;

export interface ContextFile {
  path: string;
  bytes: number;
  tokens: number;
}

export function filesNamedIn(prompt: string, cwd: string, limit = 20): ContextFile[] {
  const seen = new Set<string>();
  const out: ContextFile[] = [];
  for (const m of prompt.matchAll(PATHISH)) {
    const name = m[1]!;
    if (seen.has(name) || /^\d+(\.\d+)+$/.test(name) || name.includes('://')) continue;
    seen.add(name);
    try {
      const st = statSync(isAbsolute(name) ? name : resolve(cwd, name));
      if (st.isFile()) out.push({ path: name, bytes: st.size, tokens: Math.ceil(st.size / 4) });
    } catch {
      // not a file here: just words that look like one
    }
    if (out.length >= limit || seen.size >= 200) break;
  }
  return out;
}

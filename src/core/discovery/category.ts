// The category of an agent where its collection has one: the frontmatter `category`, else the
// folder it sits in (`01-core-development/api-designer.md`), else a flattened folder prefix
// (`01-core-development__api-designer.md`). Ordering digits are dropped: `core-development`.
import { posix } from 'node:path';

export function agentCategory(relPath: string, frontmatterCategory?: string): string | undefined {
  if (frontmatterCategory?.trim()) return tidy(frontmatterCategory);
  const dir = posix.dirname(relPath);
  if (dir !== '.' && dir !== '') return tidy(dir.split('/')[0]!);
  const base = posix.basename(relPath, '.md');
  const cut = base.indexOf('__');
  return cut > 0 ? tidy(base.slice(0, cut)) : undefined;
}

function tidy(raw: string): string {
  return raw.trim().toLowerCase().replace(/^\d+[-_. ]+/, '').replace(/\s+/g, '-');
}

// What this project's agent listing costs per request now, by where the agents come from (built-in,
// the user's ~/.claude/agents, plugins, the project): for reports, read-only.
import { homedir } from 'node:os';
import { buildCatalog } from './catalog';
import { userAgentsDir } from './layout';
import { type ListingBySource, bySource, listedEntries } from './plan';

export function listingBySource(project: string, home = homedir()): ListingBySource {
  return bySource(listedEntries(buildCatalog(project, { userDir: userAgentsDir(home), pluginHome: home }).entries));
}

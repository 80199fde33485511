// How a session learns about settings agent-warden ignored: the user in a system message, the
// model once at SessionStart in its context, so neither believes a guard is on that is not.
import type { LoadedConfig } from './load';
import { formatProblem } from './problems';
import { formatNotice } from './trust';

export function configAnnouncement(loaded: Pick<LoadedConfig, 'problems' | 'notices'>): { user: string; model: string } | undefined {
  const { problems, notices } = loaded;
  if (!problems.length && !notices.length) return undefined;
  const lines = [...problems.map(formatProblem), ...notices.map(formatNotice)];
  const head = [
    problems.length ? `${problems.length} invalid setting${problems.length === 1 ? ' is' : 's are'} ignored` : '',
    notices.length ? `${notices.length} project setting${notices.length === 1 ? '' : 's'} that would loosen the guard ${notices.length === 1 ? 'is' : 'are'} ignored` : '',
  ].filter(Boolean).join('; ');
  return {
    user: `agent-warden: ${head}; every valid budget is still enforced (\`agent-warden doctor\` lists them):\n${lines.join('\n')}`,
    model: `agent-warden: ${head} in the agent-warden configuration; every other budget and limit is still enforced. Tell the user once, briefly, so they can fix it:\n${lines.join('\n')}`,
  };
}

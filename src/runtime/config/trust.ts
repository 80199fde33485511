// Whose settings are trusted. The user's own config is; a project's `.claude/agent-warden.json`
// comes with the repository (or the model, which can write it), so by default it may only tighten:
// add budgets, lower limits, stricter privacy, a more sensitive breaker. Anything that would loosen
// the guard is ignored with a notice until the user runs `agent-warden trust` for that project.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from './schema';
import { shellQuote } from '../shell-quote';

// Quoted paths in messages; kept importable from here for the commands that print them.
export { shellQuote };

export interface ConfigNotice {
  file: string;
  key: string;
  message: string;
}

export function formatNotice(n: ConfigNotice): string {
  return `${n.file}: ${n.key}: ${n.message}`;
}

export const canonicalDir = (dir: string): string => {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
};

export function isTrusted(trusted: unknown, projectDir: string): boolean {
  if (!Array.isArray(trusted) || !trusted.length) return false;
  const dir = canonicalDir(projectDir);
  return trusted.some((t) => typeof t === 'string' && canonicalDir(t) === dir);
}

/**
 * Settings only your own config may hold, trusted project or not: `team` names the server that
 * receives this machine's usage and which team's budgets apply, so a repository must not point it
 * elsewhere (or drop it to escape a team budget).
 */
export function dropUserOnlyKeys(project: Record<string, unknown>, file: string, notices: ConfigNotice[]): void {
  if (!('team' in project)) return;
  notices.push({
    file,
    key: 'team',
    message: 'ignored: only your own config ($AGENT_WARDEN_HOME/config.json) may set "team" (it says where this machine\'s usage goes and which team budgets apply), even for a trusted project',
  });
  delete project.team;
}

const privacyRank: Record<string, number> = { full: 0, redacted: 1, metadata: 2 };

type Rule = (mine: any, theirs: any) => boolean;
const atMost: Rule = (mine, theirs) => typeof theirs === 'number' && theirs <= mine;
const atLeast: Rule = (mine, theirs) => typeof theirs === 'number' && theirs >= mine;
const always: Rule = () => true;
/** A cap you did not set is no cap: any project cap tightens it. */
const capAtMost: Rule = (mine, theirs) => typeof theirs === 'number' && (typeof mine !== 'number' || theirs <= mine);

/** Per section, which project values tighten (or do not touch) the guard; the rest need trust. */
const sectionRules: Record<string, Record<string, Rule>> = {
  breaker: {
    enabled: (mine, theirs) => theirs === true || mine === false,
    max_consecutive_failures: atMost,
    agent_max_consecutive_failures: atMost,
    error_rate_failures: atMost,
    cooldown_minutes: atLeast,
    error_rate_minutes: atLeast,
    exempt_tools: (mine: string[], theirs: string[]) => theirs.every((t) => mine.includes(t)),
  },
  budget: { default_dispatch_tokens: atLeast, prediction_window: always },
  spawn: { max_per_session: capAtMost, max_depth: capAtMost, max_running: capAtMost },
  // Curation preferences are the project's own business; only turning automatic moves on is not.
  core: { auto: (mine, theirs) => theirs === false || mine === true, max_agents: always, max_tokens: always, pinned: always, half_life_days: always, grace_days: always, idle_minutes: always },
};

const why: Record<string, string> = {
  privacy: 'it would store more than your own "privacy" setting allows',
  pricing: 'prices change what USD budgets count',
  fail_closed: 'it would let calls through that your config denies when agent-warden cannot check',
  'breaker.enabled': 'it would turn the circuit breaker off',
  'breaker.exempt_tools': 'it would exempt more tools from the breaker',
  'core.auto': 'it would let the curator move agent files without asking',
  telemetry: 'it would send your sessions, agent names and spend to an endpoint the project chooses',
};

/**
 * The part of a (valid) project layer that may apply over `mine` (the user's effective settings);
 * every other setting becomes a notice.
 */
export function tightenOnly(mine: Config, project: Record<string, unknown>, file: string, notices: ConfigNotice[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const refuse = (key: string, value: unknown, current: unknown) =>
    notices.push({
      file,
      key,
      message: `ignored: ${why[key] ?? 'it would loosen your guard'} (project: ${JSON.stringify(value)}, yours: ${JSON.stringify(current)}); a project's config may only tighten yours. If you trust this project, run \`agent-warden trust --project ${shellQuote(resolve(file, '..', '..'))}\``,
    });
  for (const [key, value] of Object.entries(project)) {
    const current = (mine as Record<string, unknown>)[key];
    if (key === 'budgets' || key === 'timezone' || key === '$schema') out[key] = value;
    else if (key === 'privacy') (privacyRank[value as string]! >= privacyRank[mine.privacy]! ? (out[key] = value) : refuse(key, value, current));
    else if (key === 'fail_closed') (value === true || mine.fail_closed === false ? (out[key] = value) : refuse(key, value, current));
    else if (key === 'pricing') {
      if (value && typeof value === 'object' && Object.keys(value).length) refuse(key, value, current);
    } else if (sectionRules[key] && value && typeof value === 'object') {
      const kept: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const was = (current as Record<string, unknown>)[k];
        if (sectionRules[key]![k]?.(was, v)) kept[k] = v;
        else refuse(`${key}.${k}`, v, was);
      }
      out[key] = kept;
    } else refuse(key, value, current);
  }
  return out;
}


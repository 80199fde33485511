// The resident MCP server keeps the team figure fresh: a sync at start, then one every
// team.refresh_seconds (5 by default). A figure is at most refresh_seconds plus one sync old when the
// hook reads it; past team.max_staleness_seconds (10) the hook no longer uses it. Syncs never
// overlap; a failed one is logged once per distinct error (and recorded for `team status`).
import { loadConfig } from '../runtime/config/load';
import type { Ledger } from '../ledger/db';
import { errorText, trace } from '../runtime/log';
import { TeamSync } from './sync';

const SYNC_DEADLINE_MS = 30_000;

function withDeadline<T>(work: Promise<T>, ms: number, late: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void late().then(resolve, reject), ms);
    timer.unref();
    work.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

export interface TeamSyncLoop {
  stop(): Promise<void>;
}

export function startTeamSync(o: { ledger: () => Ledger | undefined; project: string }): TeamSyncLoop {
  const sync = new TeamSync();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastError: string | undefined;

  const tick = async (): Promise<void> => {
    let delayMs = 5_000;
    try {
      const config = loadConfig(o.project).config;
      if (config.team) {
        delayMs = config.team.refresh_seconds * 1000;
        const db = o.ledger();
        if (db) {
          // Every wait inside is bounded (connect, query, end); this bounds the whole, so the loop never stalls.
          const out = await withDeadline(sync.run(db, config, o.project), SYNC_DEADLINE_MS, async () => {
            await sync.close();
            return { ok: false, pushed: 0, pending: 0, figures: 0, error: `no answer within ${SYNC_DEADLINE_MS / 1000} s` };
          });
          if (!out.ok && out.error !== lastError) trace(`team: sync with the team's PostgreSQL failed: ${out.error}; budgets count this machine's spend until it answers`);
          if (out.ok && lastError) trace('team: sync with the team\'s PostgreSQL works again');
          lastError = out.ok ? undefined : out.error;
        }
      } else await sync.close();
    } catch (err) {
      trace(`team: sync skipped (${errorText(err)})`);
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), delayMs);
      timer.unref();
    }
  };
  void tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await sync.close();
    },
  };
}

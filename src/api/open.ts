// openLedger(): read-only typed access to agent-warden's ledger for programs. It never creates a
// ledger (a missing one reads as empty) and opens with the same driver choice as the CLI.
import { existsSync } from 'node:fs';
import { budgetStatus, capStatus } from '../core/budget/status';
import { loadConfig } from '../runtime/config/load';
import { migrate, openLedger as openLedgerFile, type Ledger } from '../ledger/db';
import { openDatabase } from '../ledger/driver';
import { listDispatches } from '../ledger/read-dispatches';
import { listEventRows } from '../ledger/read-events';
import { listSessions } from '../ledger/read-sessions';
import { ledgerPath, userConfigPath, wardenHome } from '../runtime/paths';
import type { EventRecord, OpenLedgerOptions, WardenLedger } from './types';

export function openLedger(options: OpenLedgerOptions = {}): WardenLedger {
  const home = options.home ?? wardenHome();
  const file = ledgerPath(home);
  const db: Ledger = existsSync(file) ? openLedgerFile({ path: file, readonly: true }) : emptyLedger();
  const ms = (t: Date | number | undefined) => (t === undefined ? undefined : t instanceof Date ? t.getTime() : t);
  return {
    sessions: (f = {}) => listSessions(db, { since: ms(f.since), project: f.project, sessionId: f.session, limit: f.limit }),
    dispatches: (f = {}) => listDispatches(db, { since: ms(f.since), project: f.project, sessionId: f.session, agentType: f.agentType, limit: f.limit }),
    events: (f = {}) =>
      listEventRows(db, { since: ms(f.since), project: f.project, sessionId: f.session, kind: f.kind, limit: f.limit }).map(
        (r): EventRecord => ({
          seq: r.seq,
          uid: r.uid,
          received_at: r.received_at === null ? null : new Date(r.received_at).toISOString(),
          kind: r.kind,
          session_id: r.session_id,
          project: r.project,
          agent_id: r.agent_id,
          tool_name: r.tool_name,
          tool_use_id: r.tool_use_id,
          source: r.source,
          payload: JSON.parse(r.payload),
        }),
      ),
    budgetStatus: (q = {}) => {
      const project = q.project ?? process.cwd();
      const { config } = loadConfig(project, { userFile: userConfigPath(home) });
      const sessionId = q.session ?? latestSession(db, project) ?? '';
      return [...budgetStatus(db, config, { sessionId, project }, ms(q.now) ?? Date.now()), ...capStatus(db, config, sessionId)];
    },
    close: () => db.close(),
  };
}

/** No ledger yet: an empty one in memory answers "nothing recorded", and no file is made. */
function emptyLedger(): Ledger {
  const db = openDatabase(':memory:');
  migrate(db);
  return db;
}

function latestSession(db: Ledger, project: string): string | undefined {
  const row = (db.prepare('SELECT session_id FROM sessions WHERE project = ? ORDER BY last_event_at DESC LIMIT 1').get(project) ??
    db.prepare('SELECT session_id FROM sessions ORDER BY last_event_at DESC LIMIT 1').get()) as { session_id: string } | undefined;
  return row?.session_id;
}

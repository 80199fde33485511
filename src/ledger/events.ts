// The append-only event log: every hook payload and every fact derived from outside files
// (transcript usage, meta links) or decided here (denials, warnings) becomes one row, in order.
// Projections are a pure function of these rows, so they can always be rebuilt.
import { newUid } from '../runtime/ids';
import type { Ledger } from './db';
import type { EventKind, EventPayloads } from './event-kinds';

/** Where an event came from: a hook transport, the spool, the CLI, the importer, a catch-up read. */
export type EventSource = 'command' | 'mcp' | 'spool' | 'cli' | 'import' | 'catch-up' | 'statusline' | 'backfill';

interface Envelope {
  receivedAt: number;
  sessionId?: string;
  project?: string;
  agentId?: string;
  toolName?: string;
  toolUseId?: string;
  source: EventSource;
}

/** An event to append: one of the kinds of ./event-kinds.ts with that kind's payload. */
export type NewEvent<K extends EventKind = EventKind> = K extends EventKind ? Envelope & { uid?: string; kind: K; payload: EventPayloads[K] } : never;

/** An event as the log holds it: its place in the log (`seq`) and its uid added. */
export type StoredEvent<K extends EventKind = EventKind> = K extends EventKind ? Envelope & { seq: number; uid: string; kind: K; payload: EventPayloads[K] } : never;

const statements = new WeakMap<Ledger, ReturnType<typeof prepare>>();

function prepare(db: Ledger) {
  return {
    // Positional: binding ten named parameters looks each one up on an object, a cost an import pays per event.
    insert: db.prepare(
      `INSERT OR IGNORE INTO events (uid, received_at, kind, session_id, project, agent_id, tool_name, tool_use_id, source, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byUid: db.prepare('SELECT seq FROM events WHERE uid = ?'),
  };
}

function stmts(db: Ledger) {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = prepare(db)));
  return s;
}

/** Appends one event; undefined when an event with the same uid is already there (a replay). */
export function appendEvent(db: Ledger, ev: NewEvent): StoredEvent | undefined {
  const uid = ev.uid ?? newUid();
  const info = stmts(db).insert.run(
    uid,
    ev.receivedAt,
    ev.kind,
    textOrNull(ev.sessionId),
    textOrNull(ev.project),
    textOrNull(ev.agentId),
    textOrNull(ev.toolName),
    textOrNull(ev.toolUseId),
    ev.source,
    JSON.stringify(ev.payload ?? null),
  );
  if (info.changes === 0) return undefined;
  return { ...ev, uid, seq: Number(info.lastInsertRowid) } as StoredEvent;
}

// Index columns are copied from payload fields that only some hook kinds validate (a SessionStart
// may carry any `tool_use_id`): anything but a string would fail the insert, so it becomes null.
const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function hasEvent(db: Ledger, uid: string): boolean {
  return stmts(db).byUid.get(uid) !== undefined;
}

/** A row of the events table. Its kind is one this version wrote or an older one did (see project()). */
export function rowToEvent(row: any): StoredEvent {
  return {
    seq: row.seq,
    uid: row.uid,
    kind: row.kind,
    receivedAt: row.received_at,
    sessionId: row.session_id ?? undefined,
    project: row.project ?? undefined,
    agentId: row.agent_id ?? undefined,
    toolName: row.tool_name ?? undefined,
    toolUseId: row.tool_use_id ?? undefined,
    source: row.source,
    payload: JSON.parse(row.payload),
  } as StoredEvent;
}

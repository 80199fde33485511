// The one place that talks to PostgreSQL, through `pg` (node-postgres). It is loaded on first use
// (a file of its own under dist/vendor/, see scripts/build.mjs), so the hook bundle and CLI
// commands that never reach the team server do not load it. Every wait is bounded: a server that
// does not answer costs a background sync a few seconds, never a hook.
import type { Client, QueryResultRow } from 'pg';

export interface TeamDb {
  query<R extends QueryResultRow = any>(sql: string, args?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  end(): Promise<void>;
  /** False once the connection failed or was closed (a new one is needed). */
  readonly usable: boolean;
}

const CONNECT_TIMEOUT_MS = 3_000;
const QUERY_TIMEOUT_MS = 10_000;
const END_TIMEOUT_MS = 1_000;

/** Ends a client without waiting long: after a failed connection `end()` may never settle. */
function endQuietly(client: Client): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, END_TIMEOUT_MS);
    timer.unref();
    client.end().then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

export async function connectTeamDb(url: string): Promise<TeamDb> {
  const pg = await import('pg');
  const client: Client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    statement_timeout: QUERY_TIMEOUT_MS,
    application_name: 'agent-warden',
    keepAlive: true,
  });
  let usable = true;
  // An idle connection the server drops emits 'error': without a listener it would end the process.
  client.on('error', () => {
    usable = false;
  });
  client.on('end', () => {
    usable = false;
  });
  try {
    await client.connect();
  } catch (err) {
    usable = false;
    await endQuietly(client);
    throw err;
  }
  return {
    async query(sql, args) {
      try {
        const res = await client.query(sql, args as unknown[] | undefined);
        return { rows: res.rows, rowCount: res.rowCount };
      } catch (err) {
        // A failed query on a healthy connection (a constraint, a bad value) keeps it; anything else drops it.
        if (!(err as { code?: string }).code) usable = false;
        throw err;
      }
    },
    async end() {
      usable = false;
      await endQuietly(client);
    },
    get usable() {
      return usable;
    },
  };
}

/** The URL with its password hidden, for messages and `team status`. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}

/** A connection error as one line that never carries the password. */
export function pgErrorText(err: unknown, url?: string): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
  let text = e?.message || (Array.isArray(e?.errors) && e.errors[0]?.message) || String(err);
  if (url) text = text.split(url).join(redactUrl(url));
  return `${text}${e?.code ? ` [${e.code}]` : ''}`.replace(/\s+/g, ' ').slice(0, 300);
}

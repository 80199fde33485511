// The node:sqlite driver: SQLite built into Node >= 22.13, synchronous, nothing to install or
// compile. Adapted here to the better-sqlite3 shape the rest of the code uses: pluck, pragma,
// transaction functions with savepoints, `undefined` bound as NULL, and errors carrying
// better-sqlite3's `SQLITE_*` codes (callers tell busy, corrupt and full apart by them).
import type { DriverOpenOptions, RunResult, SqliteDb, Statement, Transaction } from './driver-types';

// The slice of node:sqlite used here (@types/node for Node 20 has none).
interface NodeStatementSync {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
  iterate(...params: unknown[]): IterableIterator<Record<string, unknown>>;
  setAllowUnknownNamedParameters?(enabled: boolean): void;
}
interface NodeDatabaseSync {
  prepare(sql: string): NodeStatementSync;
  exec(sql: string): void;
  close(): void;
  readonly isOpen?: boolean;
  /** Node >= 22.16 / 24. */
  aggregate?(name: string, options: { start: () => unknown; step: (acc: any, ...args: any[]) => unknown; result: (acc: any) => unknown; deterministic?: boolean }): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (file: string, opts?: { readOnly?: boolean }) => NodeDatabaseSync;
}

/** Node >= 22.13 (and 23.4+) ship node:sqlite unflagged, with StatementSync#iterate. */
export function nodeSqliteAvailable(versions: NodeJS.ProcessVersions = process.versions): boolean {
  const [major = 0, minor = 0] = versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);
}

let loaded: NodeSqliteModule | undefined;

/**
 * Loading node:sqlite emits an ExperimentalWarning that Node prints to stderr, which a hook must
 * not. Only that one warning is dropped, and only while the module loads: the original
 * process.emitWarning is back before this returns, so every other warning still shows.
 */
export function loadNodeSqlite(): NodeSqliteModule {
  if (loaded) return loaded;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const text = typeof warning === 'string' ? warning : warning?.message;
    if ((type ?? (warning as Error)?.name) === 'ExperimentalWarning' && /SQLite/i.test(text ?? '')) return;
    return (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    const mod = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite');
    if (!mod) throw new Error(`node:sqlite is not available in Node ${process.version}`);
    loaded = mod as NodeSqliteModule;
    return loaded;
  } finally {
    process.emitWarning = emitWarning;
  }
}

export function nodeSqliteDetail(): string {
  return `built into Node ${process.version}`;
}

export function openNodeSqlite(file: string, opts: DriverOpenOptions): SqliteDb {
  const { DatabaseSync } = loadNodeSqlite();
  const raw = sqlite(() => new DatabaseSync(file, opts.readonly ? { readOnly: true } : {}));
  const db = new NodeDb(raw);
  try {
    addPercentile(raw);
    // better-sqlite3's `timeout` option is this pragma; foreign keys are on in both by default.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * better-sqlite3's SQLite has the `percentile(Y, P)` aggregate (reports use it for p50/p95); Node's
 * does not. Same definition: non-NULL Y sorted, linear interpolation at (n-1)*P/100, NULL if none.
 */
function addPercentile(raw: NodeDatabaseSync): void {
  raw.aggregate?.('percentile', {
    start: () => ({ values: [] as number[], p: 0 }),
    step: (acc: { values: number[]; p: number }, y: unknown, p: unknown) => {
      if (typeof y === 'number' || typeof y === 'bigint') acc.values.push(Number(y));
      acc.p = Number(p);
      return acc;
    },
    result: (acc: { values: number[]; p: number }) => {
      const v = acc.values.sort((a, b) => a - b);
      if (v.length === 0 || !(acc.p >= 0 && acc.p <= 100)) return null;
      const at = ((v.length - 1) * acc.p) / 100;
      const i = Math.floor(at);
      return i + 1 < v.length ? v[i]! + (v[i + 1]! - v[i]!) * (at - i) : v[i]!;
    },
    deterministic: true,
  });
}

class NodeDb implements SqliteDb {
  private depth = 0;
  private closed = false;
  constructor(private readonly raw: NodeDatabaseSync) {}

  get open(): boolean {
    return !this.closed;
  }

  prepare(sql: string): Statement {
    const stmt = sqlite(() => this.raw.prepare(sql));
    // better-sqlite3 ignores keys of a named-parameter object that the SQL does not use; so must we.
    stmt.setAllowUnknownNamedParameters?.(true);
    return new NodeStatement(stmt);
  }

  exec(sql: string): this {
    sqlite(() => this.raw.exec(sql));
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const stmt = this.prepare(`PRAGMA ${source}`);
    return options.simple ? stmt.pluck().get() : stmt.all();
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F> {
    const run = (begin: string) =>
      (...args: Parameters<F>): ReturnType<F> => {
        const nested = this.depth > 0;
        const savepoint = `warden_tx_${this.depth}`;
        this.exec(nested ? `SAVEPOINT ${savepoint}` : begin);
        this.depth++;
        try {
          const result = fn(...args) as ReturnType<F>;
          this.exec(nested ? `RELEASE ${savepoint}` : 'COMMIT');
          return result;
        } catch (err) {
          try {
            if (nested) this.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
            else this.exec('ROLLBACK');
          } catch {
            // SQLite already rolled back (e.g. after SQLITE_FULL); the first error is the one to report.
          }
          throw err;
        } finally {
          this.depth--;
        }
      };
    const tx = run('BEGIN') as Transaction<F>;
    tx.deferred = tx;
    tx.immediate = run('BEGIN IMMEDIATE');
    tx.exclusive = run('BEGIN EXCLUSIVE');
    return tx;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.close();
  }
}

class NodeStatement implements Statement {
  private plucked = false;
  constructor(private readonly raw: NodeStatementSync) {}

  pluck(toggle = true): this {
    this.plucked = toggle;
    return this;
  }

  run(...params: unknown[]): RunResult {
    const r = sqlite(() => this.raw.run(...bindable(params)));
    return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
  }

  get(...params: unknown[]): unknown {
    const row = sqlite(() => this.raw.get(...bindable(params)));
    return this.plucked && row ? firstColumn(row) : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = sqlite(() => this.raw.all(...bindable(params)));
    return this.plucked ? rows.map(firstColumn) : rows;
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    const it = sqlite(() => this.raw.iterate(...bindable(params)));
    try {
      for (;;) {
        const next = sqlite(() => it.next());
        if (next.done) return;
        yield this.plucked ? firstColumn(next.value) : next.value;
      }
    } finally {
      it.return?.();
    }
  }
}

function firstColumn(row: Record<string, unknown>): unknown {
  for (const k in row) return row[k];
  return undefined;
}

// better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it.
function bindable(params: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    let v = p;
    if (p === undefined) v = null;
    else if (p !== null && typeof p === 'object' && !ArrayBuffer.isView(p) && Object.values(p).includes(undefined)) {
      v = Object.fromEntries(Object.entries(p).map(([k, x]) => [k, x === undefined ? null : x]));
    }
    if (v !== p) (out ??= params.slice())[i] = v;
  }
  return out ?? params;
}

const PRIMARY = ['OK', 'ERROR', 'INTERNAL', 'PERM', 'ABORT', 'BUSY', 'LOCKED', 'NOMEM', 'READONLY', 'INTERRUPT', 'IOERR', 'CORRUPT', 'NOTFOUND', 'FULL', 'CANTOPEN', 'PROTOCOL', 'EMPTY', 'SCHEMA', 'TOOBIG', 'CONSTRAINT', 'MISMATCH', 'MISUSE', 'NOLFS', 'AUTH', 'FORMAT', 'RANGE', 'NOTADB', 'NOTICE', 'WARNING'];
const EXTENDED: Record<number, string> = {
  261: 'BUSY_RECOVERY', 517: 'BUSY_SNAPSHOT', 773: 'BUSY_TIMEOUT', 262: 'LOCKED_SHAREDCACHE',
  264: 'READONLY_RECOVERY', 520: 'READONLY_CANTLOCK', 776: 'READONLY_ROLLBACK', 1032: 'READONLY_DBMOVED', 1288: 'READONLY_CANTINIT', 1544: 'READONLY_DIRECTORY',
  267: 'CORRUPT_VTAB', 523: 'CORRUPT_SEQUENCE', 779: 'CORRUPT_INDEX',
  275: 'CONSTRAINT_CHECK', 787: 'CONSTRAINT_FOREIGNKEY', 1299: 'CONSTRAINT_NOTNULL', 1555: 'CONSTRAINT_PRIMARYKEY', 2067: 'CONSTRAINT_UNIQUE',
};

/** node:sqlite's errors say `ERR_SQLITE_ERROR` with a numeric `errcode`; give them better-sqlite3's code. */
function sqlite<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    const e = err as { code?: string; errcode?: number };
    if (e && e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
      const name = EXTENDED[e.errcode] ?? PRIMARY[e.errcode & 0xff] ?? 'ERROR';
      try {
        Object.defineProperty(e, 'code', { value: `SQLITE_${name}`, configurable: true, writable: true, enumerable: true });
      } catch {
        // A frozen error keeps its own code.
      }
    }
    throw err;
  }
}

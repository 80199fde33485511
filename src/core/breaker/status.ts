// Circuits as people and scripts read them: the stored state, and what it means at `now`
// (an open circuit whose cooldown is over lets the next call through as its trial).
import type { Ledger } from '../../ledger/db';
import { reopensAt, type CircuitState } from './circuit';

export interface CircuitStatus {
  session_id: string;
  key: string;
  kind: 'call' | 'agent';
  label: string | null;
  state: CircuitState;
  /** `open` whose cooldown is over reads `half_open`: the next matching call is the trial. */
  effective_state: CircuitState;
  failures: number;
  opened_at: number | null;
  cooldown_ms: number | null;
  reopens_at: number | null;
  last_error: string | null;
  updated_at: number | null;
}

export function listCircuits(db: Ledger, now: number, opts: { sessionId?: string; includeClosed?: boolean } = {}): CircuitStatus[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (opts.sessionId) (where.push('session_id = ?'), args.push(opts.sessionId));
  if (!opts.includeClosed) where.push(`state != 'closed'`);
  const rows = db
    .prepare(
      `SELECT session_id, key, kind, label, state, failures, opened_at, cooldown_ms, last_error, updated_at FROM circuits
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY updated_at DESC, key`,
    )
    .all(...args) as Omit<CircuitStatus, 'effective_state' | 'reopens_at'>[];
  return rows.map((r) => {
    const at = r.state === 'closed' ? null : reopensAt(r);
    const effective: CircuitState = r.state === 'open' && at !== null && now >= at ? 'half_open' : r.state;
    return { ...r, effective_state: effective, reopens_at: at };
  });
}

// Exact prompt sizes, filled in off the blocking path: a hook stores chars/4 at PreToolUse (the
// cl100k encoder takes ~300 ms to build), and this replaces it with the exact count later — in the
// resident server once it is idle, or when a command that shows dispatches runs. Dispatches whose
// prompt was not stored (privacy "metadata") keep their estimate.
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { record } from '../ledger/project';
import { countTokens } from '../runtime/tokens/count';

const PENDING = `prompt_tokens_exact = 0 AND prompt IS NOT NULL AND prompt NOT LIKE '[% chars]'`;

export function pendingExactCounts(db: Ledger, sessionId?: string): number {
  const sql = `SELECT count(*) AS n FROM dispatches WHERE ${PENDING}${sessionId ? ' AND session_id = ?' : ''}`;
  return (db.prepare(sql).get(...(sessionId ? [sessionId] : [])) as { n: number }).n;
}

export function fillExactPromptTokens(db: Ledger, config: Config, opts: { limit?: number; now?: number; sessionId?: string } = {}): number {
  const rows = db
    .prepare(
      `SELECT session_id, project, tool_use_id, prompt FROM dispatches
       WHERE ${PENDING}${opts.sessionId ? ' AND session_id = @session' : ''} ORDER BY started_at DESC LIMIT @limit`,
    )
    .all({ limit: opts.limit ?? 500, ...(opts.sessionId ? { session: opts.sessionId } : {}) }) as { session_id: string; project: string | null; tool_use_id: string; prompt: string }[];
  if (!rows.length) return 0;
  const counted = rows.map((r) => ({ ...r, tokens: countTokens(r.prompt) }));
  const now = opts.now ?? Date.now();
  db.transaction(() => {
    for (const r of counted) {
      record(db, {
        kind: 'prompt_tokens',
        receivedAt: now,
        sessionId: r.session_id,
        project: r.project ?? undefined,
        toolUseId: r.tool_use_id,
        source: 'backfill',
        payload: { tool_use_id: r.tool_use_id, tokens: r.tokens },
      }, { pricing: config.pricing });
    }
  }).immediate();
  return counted.length;
}

/**
 * A real ledger file in a temp dir, filled row by row with exactly the figures a report test
 * needs (the projections that normally produce these rows have their own tests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLedger, type Ledger } from '../../src/ledger/db';

export interface SeededLedger {
  db: Ledger;
  home: string;
  cleanup(): void;
}

export function seededLedger(): SeededLedger {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-report-'));
  const db = openLedger({ path: path.join(home, 'ledger.db') });
  return { db, home, cleanup: () => (db.close(), fs.rmSync(home, { recursive: true, force: true })) };
}

export interface DispatchSeed {
  session: string;
  toolUseId: string;
  project?: string;
  agentType?: string;
  status?: 'completed' | 'failed' | 'killed' | 'denied' | 'running';
  startedAt: number;
  durationMs?: number;
  description?: string;
  prompt?: string;
  error?: string;
  reportedTotal?: number;
  contextFiles?: Array<{ path: string; bytes: number; tokens: number }>;
  /** The subagent's run; omitted for dispatches that never started one. */
  run?: { model?: string; input: number; output: number; cacheWrite: number; cacheRead: number; costUsd: number | null; unpriced?: number };
}

let agentSeq = 0;

export function addDispatch(db: Ledger, d: DispatchSeed): void {
  const status = d.status ?? 'completed';
  const agentId = d.run ? `agent-${++agentSeq}` : null;
  db.prepare(
    `INSERT INTO dispatches (session_id, tool_use_id, project, agent_id, agent_type, requested_type, description, prompt, background,
       started_at, ended_at, duration_ms, completed, failed, killed, denied, status, error, reported_total_tokens, context_files)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    d.session, d.toolUseId, d.project ?? '/p/app', agentId, d.agentType ?? 'general-purpose', d.agentType ?? 'general-purpose',
    d.description ?? 'task', d.prompt ?? 'do it', d.startedAt,
    d.durationMs === undefined ? null : d.startedAt + d.durationMs, d.durationMs ?? null,
    status === 'completed' ? 1 : 0, status === 'failed' || status === 'killed' ? 1 : 0, status === 'killed' ? 1 : 0, status === 'denied' ? 1 : 0,
    status, d.error ?? null, d.reportedTotal ?? null, d.contextFiles ? JSON.stringify(d.contextFiles) : null,
  );
  if (d.run && agentId) {
    const r = d.run;
    db.prepare(
      `INSERT INTO agent_runs (session_id, agent_id, project, agent_type, tool_use_id, started_at, ended_at, stopped, model,
         input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, total_tokens, cost_usd, unpriced_tokens)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.session, agentId, d.project ?? '/p/app', d.agentType ?? 'general-purpose', d.toolUseId, d.startedAt, d.startedAt + (d.durationMs ?? 0),
      r.model ?? 'claude-sonnet-4-5', r.input, r.output, r.cacheWrite, r.cacheRead, r.input + r.output + r.cacheWrite + r.cacheRead, r.costUsd, r.unpriced ?? 0,
    );
  }
}

export function addMainUsage(db: Ledger, u: { session: string; id: string; project?: string; ts: number; input: number; output: number; costUsd: number | null }): void {
  db.prepare(
    `INSERT INTO usage (session_id, agent_id, message_id, project, ts, model, input_tokens, output_tokens, total_tokens, cost_usd)
     VALUES (?, '', ?, ?, ?, 'claude-sonnet-4-5', ?, ?, ?, ?)`,
  ).run(u.session, u.id, u.project ?? '/p/app', u.ts, u.input, u.output, u.input + u.output, u.costUsd);
}

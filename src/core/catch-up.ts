// Before reporting, bring recent sessions up to date with their transcripts: Claude Code may have
// written the last messages after the last hook fired (SessionEnd gets 1.5 s in all).
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import type { NewEvent } from '../ledger/events';
import { record } from '../ledger/project';
import { repriceIfChanged } from '../ledger/projections/usage';
import { mainTranscriptFact, staleRunFacts } from './agent-facts';
import { transcriptCallsFact } from './transcript-calls';

export function catchUpTranscripts(db: Ledger, config: Config, opts: { now?: number; windowMs?: number } = {}): number {
  const now = opts.now ?? Date.now();
  const since = now - (opts.windowMs ?? 24 * 3600 * 1000);
  const sessions = db.prepare('SELECT session_id, project, transcript_path FROM sessions WHERE last_event_at >= ? AND transcript_path IS NOT NULL').all(since) as any[];
  const events: NewEvent[] = [];
  for (const s of sessions) {
    const usage = mainTranscriptFact(db, s.session_id, s.transcript_path);
    if (usage) events.push({ kind: 'transcript_usage', receivedAt: now, sessionId: s.session_id, project: s.project, source: 'catch-up', payload: usage });
    const calls = transcriptCallsFact(db, s.session_id, s.transcript_path, config);
    if (calls) events.push({ kind: 'transcript_calls', receivedAt: now, sessionId: s.session_id, project: s.project, source: 'catch-up', payload: calls });
  }
  for (const fact of staleRunFacts(db, config, { since })) {
    events.push({ ...fact, receivedAt: now, agentId: fact.payload.agent_id, source: 'catch-up' });
  }
  // A new price table or `pricing` config reprices recorded usage here, before any report reads it.
  const ctx = { pricing: config.pricing };
  if (!events.length) {
    db.transaction(() => repriceIfChanged(db, ctx)).immediate();
    return 0;
  }
  db.transaction(() => {
    repriceIfChanged(db, ctx);
    for (const e of events) record(db, e, ctx);
  }).immediate();
  return events.length;
}

// Input the core cannot decide on is still recorded, so that nothing a hook received goes unseen:
// malformed input (with a redacted excerpt) and hook events of a kind a newer Claude Code sends.
import type { Config } from '../runtime/config/schema';
import type { Ledger } from '../ledger/db';
import { record } from '../ledger/project';
import { redactText } from '../runtime/privacy/redact';

// Redact a little past the cut, then cut: a secret straddling the cut is masked, not half-kept.
export const malformedText = (text: string, config: Config) =>
  config.privacy === 'metadata' ? `[${text.length} chars]` : redactText(text.slice(0, 66 * 1024)).slice(0, 64 * 1024);

export function storeMalformed(db: Ledger, config: Config, m: { reason: string; text: string; now: number; project: string; sessionId?: string; uid?: string }): void {
  record(db, {
    uid: m.uid,
    kind: 'malformed',
    receivedAt: m.now,
    sessionId: m.sessionId,
    project: m.project,
    source: 'command',
    payload: { reason: m.reason, bytes: m.text.length, text: malformedText(m.text, config) },
  }, { pricing: config.pricing });
}

/** An event kind a newer Claude Code sends: kept by name and size only (its fields are unknown, so none is stored). */
export function storeNewerEvent(db: Ledger, config: Config, e: { kind: string; bytes: number; now: number; project: string; sessionId: string }): void {
  record(db, {
    kind: 'unhandled_hook',
    receivedAt: e.now,
    sessionId: e.sessionId,
    project: e.project,
    source: 'command',
    payload: { hook_event_name: e.kind, bytes: e.bytes },
  }, { pricing: config.pricing });
}


import type { Ledger } from './db';
export interface SessionRecord {
    session_id: string;
    project: string | null;
    started_at: string | null;
    ended_at: string | null;
    end_reason: string | null;
    events: number;
    main_tokens: number;
    /** USD of the main thread, of its subagents, and their sum: what Claude Code bills for the session. Null only while some rows await a price. */
    main_cost_usd: number | null;
    subagent_cost_usd: number | null;
    cost_usd: number | null;
    /** How the cost was priced: `claude-code` (Claude Code's own cost-state), `table`, `config`, `learned`, `estimated`, or `mixed`. */
    cost_source: string | null;
    /** Claude Code's own total from the transcript's cost-state, when it wrote one. */
    claude_code_cost_usd: number | null;
    subagent_tokens: number;
    dispatches: number;
    /** Read from Claude Code's history by `agent-warden import`, not recorded live by hooks. */
    imported: boolean;
}
export interface SessionFilter {
    /** Epoch ms: only sessions started at or after this. */
    since?: number;
    project?: string;
    sessionId?: string;
    limit?: number;
}
export declare function listSessions(db: Ledger, f?: SessionFilter): SessionRecord[];

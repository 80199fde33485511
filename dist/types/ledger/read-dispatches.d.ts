import type { Ledger } from './db';
export interface DispatchRecord {
    id: number;
    session_id: string;
    project: string | null;
    tool_use_id: string;
    agent_id: string | null;
    parent_agent_id: string | null;
    agent_type: string | null;
    requested_type: string | null;
    via_proxy: boolean;
    description: string | null;
    prompt: string | null;
    model: string | null;
    background: boolean;
    status: 'running' | 'completed' | 'failed' | 'killed' | 'denied';
    started_at: string | null;
    ended_at: string | null;
    duration_ms: number | null;
    tool_use_count: number | null;
    input_tokens: number;
    output_tokens: number;
    cache_creation_tokens: number;
    cache_read_tokens: number;
    total_tokens: number;
    reported_total_tokens: number | null;
    cost_usd: number | null;
    unpriced: boolean;
    prompt_tokens: number | null;
    prompt_tokens_exact: boolean;
    final_message: string | null;
    error: string | null;
    /** Why agent-warden governed this dispatch: denied, asked (the user was asked) or downgraded; null when it did not. */
    governance: 'denied' | 'asked' | 'downgraded' | null;
    governance_reason: string | null;
    files_written: string[];
    context_files: {
        path: string;
        bytes: number;
        tokens: number;
    }[];
    transcript_path: string | null;
}
export interface DispatchFilter {
    sessionId?: string;
    since?: number;
    until?: number;
    agentType?: string;
    project?: string;
    status?: string[];
    limit?: number;
    id?: string;
}
export declare function listDispatches(db: Ledger, f?: DispatchFilter): DispatchRecord[];
/** Each record as JSON text, row by row: for outputs too large to hold at once. */
export declare function iterateDispatchJson(db: Ledger, f?: DispatchFilter): Generator<string>;

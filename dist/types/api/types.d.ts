import type { DispatchRecord } from '../ledger/read-dispatches';
import type { SessionRecord } from '../ledger/read-sessions';
import type { BudgetStatusRow, CapStatusRow } from '../core/budget/status-rows';
export type { DispatchRecord, SessionRecord, BudgetStatusRow, CapStatusRow };
export interface OpenLedgerOptions {
    /** agent-warden's home (holds ledger.db and config.json); default $AGENT_WARDEN_HOME or ~/.claude/agent-warden. */
    home?: string;
}
export interface Filter {
    /** A Date or epoch milliseconds: only rows at or after it. */
    since?: Date | number;
    project?: string;
    session?: string;
    limit?: number;
}
export interface DispatchFilter extends Filter {
    agentType?: string;
}
export interface EventFilter extends Filter {
    kind?: string;
}
/** One entry of the append-only event log, as `events --json` prints it. */
export interface EventRecord {
    seq: number;
    uid: string | null;
    received_at: string | null;
    kind: string;
    session_id: string | null;
    project: string | null;
    agent_id: string | null;
    tool_name: string | null;
    tool_use_id: string | null;
    source: string;
    payload: unknown;
}
export interface BudgetStatusQuery {
    /** The session for session budgets (default: the latest one in `project`). */
    session?: string;
    /** The project whose config applies (default: the current directory). */
    project?: string;
    now?: Date | number;
}
export interface WardenLedger {
    sessions(filter?: Filter): SessionRecord[];
    dispatches(filter?: DispatchFilter): DispatchRecord[];
    events(filter?: EventFilter): EventRecord[];
    budgetStatus(query?: BudgetStatusQuery): (BudgetStatusRow | CapStatusRow)[];
    close(): void;
}

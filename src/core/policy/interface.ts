// The shape every PreToolUse policy (budgets, breakers, proxy dispatch) shares: a function of the
// call, the ledger's state, the config and the clock, returning what it wants done.
import type { Config } from '../../runtime/config/schema';
import type { Ledger } from '../../ledger/db';

export interface PreToolCall {
  sessionId: string;
  project: string;
  /** '' for the main thread, else the subagent making the call. */
  agentId: string;
  toolName: string;
  toolInput: Record<string, unknown>;
  toolUseId: string;
  callKey: string;
  isDispatch: boolean;
  /** For dispatches: the agent type asked for (`general-purpose` when unset). */
  agentType?: string;
  promptTokens?: number;
}

export interface CircuitChange {
  key: string;
  kind: 'call' | 'agent';
  label?: string;
  state: 'open' | 'half_open' | 'closed';
  failures?: number;
  opened_at?: number;
  cooldown_ms?: number;
  last_error?: string;
  trial_tool_use_id?: string;
}

export interface Notice {
  budget_key: string;
  window_start: number;
  threshold: number;
}

export interface Verdict {
  deny?: { reason: string; policy: string };
  /** Ask the user (`permissionDecision: "ask"`); a denial from any policy still wins. */
  ask?: { reason: string; policy: string };
  context?: string;
  updatedInput?: Record<string, unknown>;
  dispatch?: {
    reserved_tokens?: number;
    via_proxy?: boolean;
    agent_type?: string;
    /** Why a dispatch was governed, for `agent-warden dispatches`: denied, asked or downgraded. */
    governance?: 'denied' | 'asked' | 'downgraded';
    governance_reason?: string;
  };
  circuits?: CircuitChange[];
  notices?: Notice[];
}

export interface PolicyContext {
  db: Ledger;
  config: Config;
  now: number;
}

export type PreToolPolicy = (ctx: PolicyContext, call: PreToolCall) => Verdict | undefined;

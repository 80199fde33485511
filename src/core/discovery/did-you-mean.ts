// When the model dispatches an agent type that does not exist, Claude Code fails the call with
// "Agent type 'x' not found. Available agents: …" and lists only the core agents. The extended
// agents are the likelier fit, so after that failure the model is told the closest installed agents
// for the name it wanted and the task it gave, ranked like discover_agents ranks.
import type { Ledger } from '../../ledger/db';
import { isAgentTool } from '../../runtime/agent-tool';
import { discover, withAlso } from './discover';
import { invalidAgentName } from './names';
import { DISCOVER_TOOL } from './session-index';

const NOT_FOUND = /Agent type '([^'\n]{1,256})' not found/;
const SUGGESTIONS = 3;

export interface FailedCall {
  toolName?: string;
  toolInput?: Record<string, unknown>;
  error?: string;
}

/** The agent type a failed Agent call asked for, when the failure was "not found". */
export function missingAgentType(call: FailedCall): string | undefined {
  if (!isAgentTool(call.toolName)) return undefined;
  const name = NOT_FOUND.exec(call.error ?? '')?.[1];
  return name && !invalidAgentName(name) ? name : undefined;
}

export function didYouMean(project: string, call: FailedCall, opts: { ledger?: Ledger; halfLifeDays?: number } = {}): string | undefined {
  const name = missingAgentType(call);
  if (!name) return undefined;
  const description = typeof call.toolInput?.description === 'string' ? call.toolInput.description.slice(0, 300) : '';
  // The name says the role wanted; the call's short description says the task.
  const query = `${name.slice(name.lastIndexOf(':') + 1).replace(/[-_.]/g, ' ')} ${description}`;
  const { results } = discover(project, query, { limit: SUGGESTIONS, ledger: opts.ledger, halfLifeDays: opts.halfLifeDays });
  if (results.length === 0) return `agent-warden: no installed agent is named "${name}". Call ${DISCOVER_TOOL} with the task to search every installed agent.`;
  const list = results.map((r) => `${withAlso(r)} [${r.doc.tier}]`).join(', ');
  return (
    `agent-warden: no installed agent is named "${name}". Closest installed agents for this task: ${list}. ` +
    `Call Agent again with subagent_type set to one of these names (agent-warden routes the extended ones), or call ${DISCOVER_TOOL} to search further.`
  );
}

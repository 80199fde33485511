// Proxy dispatch: Claude Code only knows the agents it lists, so a dispatch naming an agent that
// lives in .claude/agents-extended would fail. Rewritten to `general-purpose` with that agent's
// prompt placed before the task (and its model, where it names one the Agent tool accepts), the
// call works, and the ledger still records it under the extended agent's own name.
import type { PreToolPolicy, Verdict } from '../policy/interface';
import { DEFAULT_AGENT_TYPE } from '../../runtime/agent-tool';
import { findExtendedAgent, findHiddenAgent, type ExtendedAgent } from './resolve';

// The Agent tool's `model` enum (2.1.328); `inherit` and unknown values leave the parent's model.
const MODEL_ALIASES = ['opus', 'sonnet', 'haiku', 'fable'] as const;

export const proxyDispatchPolicy: PreToolPolicy = (_ctx, call) => {
  if (!call.isDispatch || !call.agentType) return undefined;
  // Extended project agents, and user/plugin agents the curator hides here: the deny rule that hides
  // one is checked after PreToolUse, on the rewritten call (general-purpose), so the dispatch runs.
  const agent = findExtendedAgent(call.project, call.agentType) ?? findHiddenAgent(call.project, call.agentType);
  if (!agent) return undefined;
  return proxyVerdict(agent, call.toolInput);
};

export function proxyVerdict(agent: ExtendedAgent, input: Record<string, unknown>): Verdict {
  const updatedInput: Record<string, unknown> = {
    ...input,
    subagent_type: DEFAULT_AGENT_TYPE,
    prompt: proxiedPrompt(agent, typeof input.prompt === 'string' ? input.prompt : ''),
  };
  const model = modelAlias(agent.model);
  if (model && input.model === undefined) updatedInput.model = model;
  return { updatedInput, dispatch: { via_proxy: true, agent_type: agent.name } };
}

export function proxiedPrompt(agent: ExtendedAgent, task: string): string {
  return [
    `You are acting as the "${agent.name}" agent. Its instructions:`,
    '<agent-instructions>',
    agent.body,
    '</agent-instructions>',
    '',
    'Your task:',
    task,
  ].join('\n');
}

function modelAlias(model: string | undefined): string | undefined {
  if (!model) return undefined;
  const lower = model.toLowerCase();
  return MODEL_ALIASES.find((alias) => lower === alias || lower.includes(`-${alias}-`) || lower.startsWith(`${alias}-`) || lower.includes(alias));
}

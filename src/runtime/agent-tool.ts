// How Claude Code dispatches a subagent, written once: the tool's name (`Task` before 2.1.63,
// `Agent` since; both are handled) and the agent type a dispatch naming none gets.
export const isAgentTool = (toolName: unknown): toolName is 'Agent' | 'Task' => toolName === 'Agent' || toolName === 'Task';

export const DEFAULT_AGENT_TYPE = 'general-purpose';

/** The agent type a dispatch's input asks for. */
export const requestedAgentType = (input: Record<string, unknown> | undefined): string =>
  typeof input?.subagent_type === 'string' && input.subagent_type ? input.subagent_type : DEFAULT_AGENT_TYPE;

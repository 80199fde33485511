// Attribute names of the spans agent-warden exports. The GenAI ones are OpenTelemetry's semantic
// conventions for agent spans (gen_ai.*, "invoke_agent"); they are still incubating, and the
// OpenTelemetry project asks users to copy incubating names rather than import the 800 KB
// `@opentelemetry/semantic-conventions/incubating` entry point (test/unit/telemetry-attributes.test.ts
// checks each against it). agent-warden's own facts go under agent_warden.*.

export const genAi = {
  operationName: 'gen_ai.operation.name',
  opInvokeAgent: 'invoke_agent',
  providerName: 'gen_ai.provider.name',
  providerAnthropic: 'anthropic',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  /** Every input token, cache writes and reads included (the convention's definition). */
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
} as const;

export const warden = {
  /** USD billed, as `dispatches --json` prices it (absent while a model awaits a price). */
  costUsd: 'agent_warden.cost_usd',
  /** Input tokens neither written to nor read from the cache (the ledger's `input_tokens`). */
  uncachedInputTokens: 'agent_warden.usage.uncached_input_tokens',
  /** Every billed token: input, output, cache writes and reads (the ledger's `total_tokens`). */
  totalTokens: 'agent_warden.usage.total_tokens',
  sessionId: 'agent_warden.session.id',
  project: 'agent_warden.project',
  endReason: 'agent_warden.session.end_reason',
  dispatches: 'agent_warden.session.dispatches',
  toolUseId: 'agent_warden.dispatch.tool_use_id',
  status: 'agent_warden.dispatch.status',
  background: 'agent_warden.dispatch.background',
  description: 'agent_warden.dispatch.description',
  requestedType: 'agent_warden.dispatch.requested_type',
  governance: 'agent_warden.dispatch.governance',
  durationMs: 'agent_warden.dispatch.duration_ms',
  toolUses: 'agent_warden.dispatch.tool_uses',
} as const;

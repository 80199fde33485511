// What PostToolUseFailure tells the model: after a dispatch named an agent that does not exist,
// the closest installed agents (src/core/discovery/did-you-mean.ts). Anything that goes wrong here is
// logged and leaves the failure as Claude Code reported it. Wired by the resident server only, which
// keeps the search index warm; the command hook stays free of the search code.
import { didYouMean, missingAgentType } from './discovery/did-you-mean';
import { errorText, trace } from '../runtime/log';
import type { HookContext } from './handle-event';
import type { WireEvent } from './hook-event';

export function failureNote(ctx: HookContext, event: WireEvent): string | undefined {
  if (event.hook_event_name !== 'PostToolUseFailure') return undefined;
  const e = event as WireEvent & { tool_name?: string; tool_input?: Record<string, unknown>; error?: string };
  const call = { toolName: e.tool_name, toolInput: e.tool_input, error: e.error };
  if (!missingAgentType(call)) return undefined;
  try {
    return didYouMean(ctx.project, call, { ledger: ctx.db, halfLifeDays: ctx.config.core.half_life_days });
  } catch (err) {
    trace(`did-you-mean after an unknown agent type failed: ${errorText(err)}`);
    return undefined;
  }
}

// What SessionStart tells the model: the index of extended agents and how to reach them.
import { extendedIndex } from '../discovery/session-index';
import type { HookContext } from './handle';
import type { WireEvent } from './wire';

export function sessionIndex(ctx: HookContext, _event: WireEvent): string | undefined {
  return extendedIndex(ctx.project);
}

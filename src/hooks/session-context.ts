// What SessionStart tells the model (filled in by discovery: the extended-agent index).
import type { HookContext } from './handle';
import type { WireEvent } from './wire';

export function sessionIndex(_ctx: HookContext, _event: WireEvent): string | undefined {
  return undefined;
}

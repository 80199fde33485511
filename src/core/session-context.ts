// What SessionStart tells the model: the index of extended agents and how to reach them, naming
// the ones this project used most (the usage prior's decay, without a query).
import { extendedIndex } from './discovery/session-index';
import { mostUsed } from './discovery/most-used';
import { errorText, trace } from '../runtime/log';
import type { HookContext } from './handle-event';
import type { WireEvent } from './hook-event';

const MOST_USED = 3;

export function sessionIndex(ctx: HookContext, _event: WireEvent): string | undefined {
  return extendedIndex(ctx.project, {
    mostUsed: (names) => {
      try {
        return mostUsed(ctx.db, ctx.project, names, ctx.now, ctx.config.core.half_life_days, MOST_USED);
      } catch (err) {
        trace(`session index: usage not read (${errorText(err)}); listing without it`);
        return [];
      }
    },
  });
}

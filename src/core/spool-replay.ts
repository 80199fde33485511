// Events spooled while the ledger was unavailable go in later, oldest first, through the same core
// path as live ones (without decisions: those calls are past). Used by hooks, `ledger ingest` and `doctor --fix`.
import { loadConfig } from '../runtime/config/load';
import type { Config } from '../runtime/config/schema';
import { isBusy, type Ledger } from '../ledger/db';
import { quarantine, readSpooled, removeSpooled, spooledFiles } from '../ledger/spool';
import { errorText, trace } from '../runtime/log';
import { handleHookEvent } from './handle-event';
import type { WireEvent } from './hook-event';
import { storeMalformed } from './unparsed-input';

/** Errors that come from the entry itself, not from the ledger's state (disk, lock, corruption). */
function isRefusedEntry(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return !code.startsWith('SQLITE_') || code.startsWith('SQLITE_CONSTRAINT') || code.startsWith('SQLITE_TOOBIG') || code.startsWith('SQLITE_MISMATCH');
}

/** Replays spooled events, oldest first; decisions are not re-made for calls already past. */
export function replaySpool(db: Ledger, config: Config, max: number, removeLater?: string[]): number {
  let done = 0;
  for (const file of spooledFiles()) {
    if (done >= max) break;
    const entry = readSpooled(file);
    if (!entry) {
      quarantine(file);
      continue;
    }
    try {
      if (entry.malformed) {
        storeMalformed(db, config, { reason: entry.malformed.reason, text: entry.malformed.text, now: entry.receivedAt, project: entry.project, uid: entry.uid });
      } else if (entry.event) {
        const { config: projectConfig } = loadConfig(entry.project);
        handleHookEvent(
          { db, config: projectConfig, project: entry.project, now: entry.receivedAt, source: 'spool', policies: [] },
          entry.event as WireEvent,
          { uid: entry.uid, receivedAt: entry.receivedAt },
        );
      }
    } catch (err) {
      // A locked or failing ledger stops the replay (the caller spools); an entry the ledger
      // refuses on its own is set aside, so one poison event cannot send every later one to the spool.
      if (isBusy(err) || !isRefusedEntry(err)) throw err;
      trace(`spooled event ${entry.uid} cannot be recorded (${errorText(err)}); set aside as .bad`, { stderr: false });
      quarantine(file);
      continue;
    }
    if (removeLater) removeLater.push(file);
    else removeSpooled(file);
    done++;
  }
  return done;
}

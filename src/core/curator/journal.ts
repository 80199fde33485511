// Every batch of moves is written to a journal before the first file moves and deleted after the
// last. Finding a journal means a process died mid-batch (it holds the apply lock while the journal
// exists, so a live writer is never second-guessed). Recovery rolls the batch back: each move is
// checked on disk, and the ones that happened are undone, so the project is back to the layout the
// batch started from; the caller then re-plans from fresh facts instead of finishing a stale plan.
import { lstatSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { SETTINGS_LOCAL, rollbackSettings } from './agent-rules';
import { type ProjectLayout, resolveAgentPath, stateFile } from './layout';
import { moveAgentFile, syncMoveDirs } from './move';
import { readJson, removeFile, writeJsonAtomic } from './state-file';

const journalSchema = z.object({
  version: z.literal(1),
  kind: z.enum(['apply', 'restore']),
  pid: z.number(),
  startedAt: z.number(),
  moves: z.array(z.object({ from: z.string(), to: z.string() })),
  /** settings.local.json before the batch rewrote its deny rules (base64; null: there was none). */
  settingsBefore: z.optional(z.nullable(z.string())),
});

export type Journal = z.output<typeof journalSchema>;

export interface RecoveryReport {
  kind?: Journal['kind'];
  startedAt?: number;
  /** Moves that had happened and were undone. */
  rolledBack: number;
  /** Moves that had not started. */
  notStarted: number;
  /** Moves that could not be judged or undone; the files were left as found. */
  conflicts: string[];
  /** The journal could not be read; it was set aside, and nothing was touched. */
  corrupt?: string;
}

const journalFile = (layout: ProjectLayout) => join(layout.state, stateFile.journal);

export function writeJournal(layout: ProjectLayout, journal: Journal): void {
  writeJsonAtomic(journalFile(layout), journal);
}

export function clearJournal(layout: ProjectLayout): void {
  removeFile(journalFile(layout));
}

export function hasJournal(layout: ProjectLayout): boolean {
  return lstatSync(journalFile(layout), { throwIfNoEntry: false }) !== undefined;
}

/** Rolls back an interrupted batch, if there is one. Call only while holding the apply lock. */
export function recoverInterrupted(layout: ProjectLayout): RecoveryReport | undefined {
  const file = journalFile(layout);
  const read = readJson(file, journalSchema);
  if (read.state === 'missing') return undefined;
  if (read.state === 'corrupt') {
    const aside = `${file}.corrupt-${Date.now()}`;
    renameSync(file, aside);
    return { rolledBack: 0, notStarted: 0, conflicts: [], corrupt: `${read.error} (kept as ${aside}; run "agent-warden core restore" to return to the original layout)` };
  }
  const journal = read.value;
  const report: RecoveryReport = { kind: journal.kind, startedAt: journal.startedAt, rolledBack: 0, notStarted: 0, conflicts: [] };
  for (const move of [...journal.moves].reverse()) {
    try {
      undo(layout.project, move, report);
    } catch (err) {
      report.conflicts.push(`${move.from} -> ${move.to}: ${(err as Error).message}`);
    }
  }
  syncMoveDirs(layout.project, journal.moves);
  if (journal.settingsBefore !== undefined) {
    try {
      rollbackSettings(layout.project, journal.settingsBefore);
      report.rolledBack++;
    } catch (err) {
      report.conflicts.push(`${SETTINGS_LOCAL}: ${(err as Error).message}`);
    }
  }
  removeFile(file);
  return report;
}

function undo(project: string, move: { from: string; to: string }, report: RecoveryReport): void {
  const from = lstatSync(resolveAgentPath(project, move.from).abs, { throwIfNoEntry: false });
  const to = lstatSync(resolveAgentPath(project, move.to).abs, { throwIfNoEntry: false });
  if (from && !to) {
    report.notStarted++;
  } else if (!from && to) {
    const back = moveAgentFile(project, move.to, move.from);
    if (back.ok) report.rolledBack++;
    else report.conflicts.push(`${move.to} -> ${move.from}: ${back.why}`);
  } else if (from && to && from.ino === to.ino && from.dev === to.dev) {
    // Died between link and unlink: the same file under both names; drop the new name.
    unlinkSync(resolveAgentPath(project, move.to).abs);
    report.rolledBack++;
  } else if (from && to) {
    report.conflicts.push(`${move.from} and ${move.to} both exist as different files; both left in place`);
  } else {
    report.conflicts.push(`${move.from} is in neither folder (deleted?)`);
  }
}

// stdout is data, stderr is for people. Tables align, colour only on a terminal (picocolors
// honours NO_COLOR), and every command can print JSON instead.
import Table from 'cli-table3';
import pc from 'picocolors';
import { sleepSync } from '../runtime/sleep';

export { pc };

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

export function table<T>(rows: T[], columns: Column<T>[]): string {
  const t = new Table({
    head: columns.map((c) => pc.bold(c.header)),
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: columns.map((c) => c.align ?? 'left'),
    wordWrap: false,
  });
  for (const row of rows) t.push(columns.map((c) => fit(c.value(row))));
  return t.toString();
}

function fit(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v).replace(/\s+/g, ' ');
  const width = Math.max(20, Math.min(80, Math.floor((process.stdout.columns || 120) / 3)));
  return s.length > width ? s.slice(0, width - 1) + '…' : s;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
export const shortTime = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '');
export { fmtInt, fmtMs, fmtUsd } from '../report/format';

/** A JSON array written as it is produced, one compact element (already JSON text) per line, in ~1 MB writes. */
export function printJsonLines(items: Iterable<string>): void {
  const { writeSync } = require('node:fs') as typeof import('node:fs');
  let buf = '[';
  let first = true;
  for (const item of items) {
    buf += (first ? '\n' : ',\n') + item;
    first = false;
    if (buf.length > 1 << 20) {
      writeAll(writeSync, buf);
      buf = '';
    }
  }
  writeAll(writeSync, buf + (first ? ']\n' : '\n]\n'));
}

function writeAll(writeSync: typeof import('node:fs').writeSync, text: string): void {
  const data = Buffer.from(text);
  for (let off = 0; off < data.length; ) {
    try {
      off += writeSync(1, data, off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(0); // the reader stopped (e.g. `| head`): nothing left to do
      // A pipe that is full answers EAGAIN; wait for it rather than drop output.
      if (code !== 'EAGAIN') throw err;
      sleepSync(5);
    }
  }
}

// `--since 7d`, `--since 12h`, `--since 2026-11-01`: a point in time as ms since the epoch.
import { UserError } from './errors';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseSince(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined) return undefined;
  const rel = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  const abs = Date.parse(text);
  if (!Number.isNaN(abs)) return abs;
  throw new UserError(`cannot read the time "${text}"`, 'use a duration such as 30m, 12h, 7d, 2w, or a date such as 2026-11-01');
}

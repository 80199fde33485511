// Calendar windows in the user's time zone: a day budget resets at local midnight, a week budget
// on Monday at midnight, a month budget on the 1st. Intl gives the wall clock in any IANA zone;
// the UTC instant of a local midnight is found by correcting a first guess with the zone's offset.
import type { Budget } from '../../runtime/config/schema';

export interface Window {
  /** Inclusive start, ms epoch; 0 for a session (it counts from the session's first event). */
  start: number;
  /** When the budget resets; undefined for a session budget (it ends with the session). */
  end?: number;
  /** Rolling windows ("5h", "7d"): their length in ms; `end` is when the oldest counted spend leaves. */
  rolling?: number;
}

export const ROLLING_MS: Partial<Record<Budget['scope'], number>> = { '5h': 5 * 3_600_000, '7d': 7 * 86_400_000 };

interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(ms: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday!] ?? 0,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at this instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of local midnight starting this date (Date.UTC normalises day 0 or 32). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function windowOf(scope: Budget['scope'], now: number, timeZone: string): Window {
  if (scope === 'session' || scope === 'dispatch') return { start: 0 };
  const rolling = ROLLING_MS[scope];
  if (rolling) return { start: now - rolling, end: now + rolling, rolling };
  const d = wallClock(now, timeZone);
  if (scope === 'day') return { start: localMidnight(d.year, d.month, d.day, timeZone), end: localMidnight(d.year, d.month, d.day + 1, timeZone) };
  if (scope === 'week') {
    const monday = d.day - d.weekday;
    return { start: localMidnight(d.year, d.month, monday, timeZone), end: localMidnight(d.year, d.month, monday + 7, timeZone) };
  }
  return { start: localMidnight(d.year, d.month, 1, timeZone), end: localMidnight(d.year, d.month + 1, 1, timeZone) };
}

/** "2026-03-02 00:00 Europe/Paris" */
export function localTime(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${timeZone}`;
}

/** "3 h 12 min", "2 d 4 h", "45 s" */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

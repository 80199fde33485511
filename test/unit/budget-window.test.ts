// Calendar windows in a time zone: local midnights, Monday weeks, months, and DST days.
import { describe, expect, it } from 'vitest';
import { duration, localTime, windowOf } from '../../src/core/budget/window';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('windowOf', () => {
  it('a day starts at local midnight, not UTC midnight', () => {
    // 23:30 UTC on 1 Jan is already 2 Jan in Paris (UTC+1).
    const now = Date.parse('2026-01-01T23:30:00Z');
    const w = windowOf('day', now, 'Europe/Paris');
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-01-01T23:00:00.000Z', '2026-01-02T23:00:00.000Z']);
    const utc = windowOf('day', now, 'UTC');
    expect([iso(utc.start), iso(utc.end)]).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
  });

  it('a week starts on Monday, also when today is Sunday', () => {
    const sunday = Date.parse('2026-03-15T12:00:00Z');
    const w = windowOf('week', sunday, 'UTC');
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z']);
    const monday = windowOf('week', Date.parse('2026-03-16T00:00:00Z'), 'UTC');
    expect(iso(monday.start)).toBe('2026-03-16T00:00:00.000Z');
  });

  it('a month runs from the 1st to the 1st, across the year end', () => {
    const w = windowOf('month', Date.parse('2026-12-31T10:00:00Z'), 'Asia/Tokyo');
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-11-30T15:00:00.000Z', '2026-12-31T15:00:00.000Z']);
  });

  it('a day with a DST change is 23 or 25 hours long', () => {
    const spring = windowOf('day', Date.parse('2026-03-08T18:00:00Z'), 'America/New_York');
    expect((spring.end! - spring.start) / 3_600_000).toBe(23);
    expect(iso(spring.start)).toBe('2026-03-08T05:00:00.000Z');
    const autumn = windowOf('day', Date.parse('2026-11-01T18:00:00Z'), 'America/New_York');
    expect((autumn.end! - autumn.start) / 3_600_000).toBe(25);
  });

  it('a session has no calendar window', () => {
    expect(windowOf('session', Date.now(), 'UTC')).toEqual({ start: 0 });
  });
});

describe('formatting', () => {
  it('prints local wall-clock time with the zone, and short durations', () => {
    expect(localTime(Date.parse('2026-01-01T23:00:00Z'), 'Europe/Paris')).toBe('2026-01-02 00:00 Europe/Paris');
    expect([duration(45_000), duration(12 * 60_000), duration(3 * 3_600_000 + 5 * 60_000), duration(50 * 3_600_000)]).toEqual(['45 s', '12 min', '3 h 5 min', '2 d 2 h']);
  });
});

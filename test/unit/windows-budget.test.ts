// Issue 19: Claude's reported rate-limit windows, parsed from either status-line shape, recorded
// in a real SQLite ledger, and turned into window budgets (`limit_percent` on scopes 5h/7d).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { schemas, type ConfigInput } from '../../src/runtime/config/schema';
import { problemsIn } from '../../src/runtime/config/load';
import { openLedger, type Ledger } from '../../src/ledger/db';
import { appendEvent } from '../../src/ledger/events';
import { project } from '../../src/ledger/project';
import { rebuildProjections, snapshotProjections } from '../../src/ledger/rebuild';
import { recordSnapshot, standingWindow, windowHistory } from '../../src/core/windows/ledger';
import { windowBudgetPolicy } from '../../src/core/windows/policy';
import { parseRateLimits } from '../../src/core/windows/rate-limits';
import type { PreToolCall } from '../../src/core/policy/interface';
import { makeTempDir, type TempDir } from '../support/sandbox';

const T0 = Date.parse('2026-06-10T12:00:00Z');
const sec = (ms: number) => Math.floor(ms / 1000);
const cleanups: TempDir[] = [];
afterEach(() => cleanups.splice(0).forEach((d) => d.cleanup()));

function ledger(): Ledger {
  const dir = makeTempDir('windows');
  cleanups.push(dir);
  return openLedger({ path: path.join(dir.path, 'ledger.db') });
}

const dispatch = (sessionId = 'sess-new'): PreToolCall => ({
  sessionId,
  project: '/p',
  agentId: '',
  toolName: 'Agent',
  toolInput: { subagent_type: 'worker', prompt: 'x' },
  toolUseId: 'toolu_1',
  callKey: 'k',
  isDispatch: true,
  agentType: 'worker',
});

const config = (c: ConfigInput) => schemas().configSchema.parse({ timezone: 'UTC', ...c });

describe('reading the windows', () => {
  it('reads the documented five_hour/seven_day objects', () => {
    expect(parseRateLimits({ five_hour: { used_percentage: 85, resets_at: 1781100000 }, seven_day: { used_percentage: 40.5, resets_at: 1781500000 } })).toEqual([
      { window: '5h', used_percentage: 85, resets_at: 1781100000 },
      { window: '7d', used_percentage: 40.5, resets_at: 1781500000 },
    ]);
  });

  it('reads a limits list with a kind per row, per-model weekly rows included, and drops malformed rows', () => {
    const got = parseRateLimits({
      limits: [
        { kind: 'five_hour', used_percentage: 91, resets_at: 1781100000 },
        { kind: 'seven_day_opus', utilization: 0.5, resets_at: 1781500000 },
        { kind: 'seven_day', used_percentage: 'lots', resets_at: 1781500000 },
        { kind: 'mystery', used_percentage: 10, resets_at: 1781500000 },
        'junk',
      ],
      seven_day: { used_percentage: 30, resets_at: 1781500000 },
    });
    expect(got).toEqual([
      { window: '5h', used_percentage: 91, resets_at: 1781100000 },
      { window: '7d', used_percentage: 30, resets_at: 1781500000 },
      { window: '7d:opus', used_percentage: 50, resets_at: 1781500000 },
    ]);
    // The server's meter kinds, as the pinned client's schema names them: percent, ISO resets_at, a model scope.
    expect(
      parseRateLimits({
        limits: [
          { kind: 'session', group: 'g', percent: 85, resets_at: '2026-06-10T14:00:00Z', severity: 'warning', is_active: true },
          { kind: 'weekly_all', percent: 40, resets_at: '2026-06-14T00:00:00Z' },
          { kind: 'weekly_scoped', percent: 70, resets_at: '2026-06-14T00:00:00Z', scope: { model: { display_name: 'Opus' } } },
        ],
      }),
    ).toEqual([
      { window: '5h', used_percentage: 85, resets_at: Date.parse('2026-06-10T14:00:00Z') / 1000 },
      { window: '7d', used_percentage: 40, resets_at: Date.parse('2026-06-14T00:00:00Z') / 1000 },
      { window: '7d:opus', used_percentage: 70, resets_at: Date.parse('2026-06-14T00:00:00Z') / 1000 },
    ]);
    expect(parseRateLimits(null)).toEqual([]);
    expect(parseRateLimits({ five_hour: { used_percentage: -1, resets_at: 5 } })).toEqual([]);
  });
});

describe('window budgets', () => {
  it('refuses a new session dispatch while the last reported 5-hour level stands at or above the limit, with window, level, reset and a lift command', () => {
    const db = ledger();
    const cfg = config({ budgets: [{ scope: '5h', limit_percent: 80 }] });
    const resets = T0 + 2 * 3600_000;
    recordSnapshot(db, { sessionId: 'sess-old', windows: [{ window: '5h', used_percentage: 79, resets_at: sec(resets) }], now: T0 - 60_000 }, { pricing: {} });
    expect(windowBudgetPolicy({ db, config: cfg, now: T0 }, dispatch())).toBeUndefined();

    recordSnapshot(db, { sessionId: 'sess-old', windows: [{ window: '5h', used_percentage: 85, resets_at: sec(resets) }], now: T0 - 30_000 }, { pricing: {} });
    const v = windowBudgetPolicy({ db, config: cfg, now: T0 }, dispatch());
    expect(v?.deny?.reason).toMatch(/^agent-warden: Claude's 5-hour window stands at 85% \(limit 80%\); it resets 2026-06-10 14:00 UTC \(in 2 h 0 min\)\./);
    expect(v?.deny?.reason).toContain('`agent-warden windows lift --session sess-new --window 5h`');
    // Not a dispatch: never refused by a window budget.
    expect(windowBudgetPolicy({ db, config: cfg, now: T0 }, { ...dispatch(), isDispatch: false, toolName: 'Bash' })).toBeUndefined();
    // A snapshot past its resets_at no longer counts.
    expect(windowBudgetPolicy({ db, config: cfg, now: resets + 1 }, dispatch())).toBeUndefined();
    // A stale lower level reported later in the same period does not lower it.
    recordSnapshot(db, { sessionId: 'sess-other', windows: [{ window: '5h', used_percentage: 70, resets_at: sec(resets) }], now: T0 - 10_000 }, { pricing: {} });
    expect(standingWindow(db, '5h', T0)?.used_percentage).toBe(85);
  });

  it('the lift applies to its session only', () => {
    const db = ledger();
    const cfg = config({ budgets: [{ scope: '5h', limit_percent: 80 }] });
    recordSnapshot(db, { windows: [{ window: '5h', used_percentage: 95, resets_at: sec(T0 + 3600_000) }], now: T0 }, { pricing: {} });
    const ev = appendEvent(db, { kind: 'window_lift', receivedAt: T0, sessionId: 'sess-a', source: 'cli', payload: { session_id: 'sess-a', window: '5h' } });
    project(db, ev!, { pricing: {} });
    expect(windowBudgetPolicy({ db, config: cfg, now: T0 }, dispatch('sess-a'))).toBeUndefined();
    expect(windowBudgetPolicy({ db, config: cfg, now: T0 }, dispatch('sess-b'))?.deny).toBeDefined();
  });

  it('records each distinct snapshot once, and the projection rebuilds to the same rows', () => {
    const db = ledger();
    const w = [{ window: '5h', used_percentage: 50, resets_at: sec(T0 + 3600_000) }];
    expect(recordSnapshot(db, { windows: w, now: T0 }, { pricing: {} })).toBe(true);
    expect(recordSnapshot(db, { windows: w, now: T0 + 1000 }, { pricing: {} })).toBe(false);
    expect(recordSnapshot(db, { windows: [{ ...w[0]!, used_percentage: 60 }], now: T0 + 2000 }, { pricing: {} })).toBe(true);
    expect((db.prepare(`SELECT count(*) AS n FROM events WHERE kind = 'rate_limits'`).get() as { n: number }).n).toBe(2);
    const before = snapshotProjections(db);
    rebuildProjections(db, { pricing: {} });
    expect(snapshotProjections(db)).toEqual(before);
  });

  it('history: the peak of each window period and the time it stood at or above the limit', () => {
    const db = ledger();
    const resets = sec(T0 + 5 * 3600_000);
    const at = (min: number, pct: number) => recordSnapshot(db, { windows: [{ window: '5h', used_percentage: pct, resets_at: resets }], now: T0 + min * 60_000 }, { pricing: {} });
    at(0, 40);
    at(30, 82);
    at(50, 90);
    const [row] = windowHistory(db, new Map([['5h', 80]]), 0, T0 + 80 * 60_000);
    expect(row).toMatchObject({ window: '5h', peak_percent: 90, last_percent: 90, snapshots: 3, limit_percent: 80 });
    expect(row!.ms_at_or_above_limit).toBe(50 * 60_000); // from minute 30 until "now" at minute 80
  });

  it('config: limit_percent only on 5h/7d, and those scopes take it', () => {
    expect(problemsIn('c.json', { budgets: [{ scope: '5h', limit_percent: 80 }, { scope: '7d', limit_percent: 90 }] })).toEqual([]);
    expect(problemsIn('c.json', { budgets: [{ scope: 'day', limit_percent: 80 }] })[0]?.message).toMatch(/limit_percent is for scope "5h" or "7d"/);
    expect(problemsIn('c.json', { budgets: [{ scope: '5h', limit_percent: 180 }] })).not.toEqual([]);
  });
});

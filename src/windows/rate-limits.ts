// Claude Code's subscription windows as it reports them to a statusLine command, read from either
// shape: the `rate_limits.five_hour` / `seven_day` objects (2.1.328's documented contract), or a
// `limits` list with a `kind` per row (newer clients, which add per-model weekly rows). Anything
// else in the payload is ignored; a malformed row is dropped, never guessed at.

/** `5h`, `7d`, a per-model weekly window `7d:<model>` (e.g. `7d:opus`), or `spend` (a gateway's spend limit). */
export type WindowName = string;

export interface RateWindow {
  window: WindowName;
  /** 0-100 (above 100 once a spend limit is exceeded). */
  used_percentage: number;
  /** Epoch seconds. */
  resets_at: number;
}

export const windowScopes = ['5h', '7d'] as const;
export type WindowScope = (typeof windowScopes)[number];

const byKey: Record<string, WindowName> = {
  five_hour: '5h',
  seven_day: '7d',
  seven_day_opus: '7d:opus',
  seven_day_sonnet: '7d:sonnet',
  spend_limit: 'spend',
};

const MAX_ROWS = 32;

export function windowName(kind: string): WindowName | undefined {
  if (byKey[kind]) return byKey[kind];
  // Per-model weekly rows: seven_day_<model>; bounded and plain so a hostile name stays a label.
  const m = /^seven_day_([a-z0-9_-]{1,40})$/.exec(kind);
  return m ? `7d:${m[1]}` : undefined;
}

function row(window: WindowName | undefined, v: unknown): RateWindow | undefined {
  if (!window || typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const pct = num(r.used_percentage) ?? (num(r.utilization) !== undefined ? num(r.utilization)! * 100 : undefined);
  const resets = num(r.resets_at);
  if (pct === undefined || resets === undefined || pct < 0 || pct > 1000 || resets <= 0) return undefined;
  // Some clients report resets_at in milliseconds; the contract says seconds.
  return { window, used_percentage: Math.round(pct * 100) / 100, resets_at: Math.floor(resets > 1e11 ? resets / 1000 : resets) };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Every window in a status payload's `rate_limits`, each once (the first row of a name wins). */
export function parseRateLimits(rateLimits: unknown): RateWindow[] {
  if (typeof rateLimits !== 'object' || rateLimits === null) return [];
  const rl = rateLimits as Record<string, unknown>;
  const out = new Map<WindowName, RateWindow>();
  const add = (w: RateWindow | undefined) => {
    if (w && !out.has(w.window) && out.size < MAX_ROWS) out.set(w.window, w);
  };
  if (Array.isArray(rl.limits)) {
    for (const item of rl.limits.slice(0, MAX_ROWS)) {
      const kind = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).kind : undefined;
      if (typeof kind === 'string') add(row(windowName(kind), item));
    }
  }
  for (const [key, value] of Object.entries(rl).slice(0, MAX_ROWS)) if (key !== 'limits') add(row(windowName(key), value));
  return [...out.values()].sort((a, b) => a.window.localeCompare(b.window));
}

/** Dedup key of a snapshot: the same windows at the same levels are one event. */
export function snapshotKey(windows: RateWindow[]): string {
  return windows.map((w) => `${w.window}=${w.used_percentage}@${w.resets_at}`).join(';');
}

export const windowLabel = (w: WindowName) =>
  w === '5h' ? '5-hour window' : w === '7d' ? 'weekly window' : w === 'spend' ? 'spend limit' : w.startsWith('7d:') ? `weekly ${w.slice(3)} window` : w;

// Claude Code's subscription windows as it reports them to a statusLine command, read from either
// shape: the `rate_limits.five_hour` / `seven_day` objects (2.1.328's documented contract), or the
// server's `limits` list with a `kind` per row ('session', 'weekly_all', 'weekly_scoped' with
// scope.model.display_name, a `percent` and an ISO `resets_at`), plus per-model weekly rows
// (`seven_day_opus`, `seven_day_sonnet`, `model_scoped`). Anything else is ignored; a malformed row is
// dropped, never guessed at.

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

/** The server's meter kinds in the `limits` list. */
const byKind: Record<string, WindowName> = { session: '5h', five_hour: '5h', weekly_all: '7d', seven_day: '7d' };

const modelLabel = (name: unknown): string | undefined => {
  if (typeof name !== 'string') return undefined;
  const label = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return label ? label : undefined;
};

function kindName(item: Record<string, unknown>): WindowName | undefined {
  const kind = item.kind;
  if (typeof kind !== 'string') return undefined;
  if (byKind[kind]) return byKind[kind];
  if (kind === 'weekly_scoped') {
    const scope = item.scope as { model?: { display_name?: unknown } } | undefined;
    const label = modelLabel(scope?.model?.display_name);
    return label ? `7d:${label}` : undefined;
  }
  return windowName(kind);
}

export function windowName(kind: string): WindowName | undefined {
  if (byKey[kind]) return byKey[kind];
  // Per-model weekly rows: seven_day_<model>; bounded and plain so a hostile name stays a label.
  const m = /^seven_day_([a-z0-9_-]{1,40})$/.exec(kind);
  return m ? `7d:${m[1]}` : undefined;
}

function row(window: WindowName | undefined, v: unknown): RateWindow | undefined {
  if (!window || typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const pct = num(r.used_percentage) ?? num(r.percent) ?? (num(r.utilization) !== undefined ? num(r.utilization)! * 100 : undefined);
  const resets = num(r.resets_at) ?? isoSeconds(r.resets_at);
  if (pct === undefined || resets === undefined || pct < 0 || pct > 1000 || resets <= 0) return undefined;
  // Some clients report resets_at in milliseconds; the contract says seconds.
  return { window, used_percentage: Math.round(pct * 100) / 100, resets_at: Math.floor(resets > 1e11 ? resets / 1000 : resets) };
}

const isoSeconds = (v: unknown): number | undefined => {
  if (typeof v !== 'string' || v.length > 40) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
};

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
    for (const item of rl.limits.slice(0, MAX_ROWS)) if (typeof item === 'object' && item !== null) add(row(kindName(item as Record<string, unknown>), item));
  }
  if (Array.isArray(rl.model_scoped)) {
    for (const item of rl.model_scoped.slice(0, MAX_ROWS)) {
      const label = typeof item === 'object' && item !== null ? modelLabel((item as Record<string, unknown>).display_name) : undefined;
      add(row(label ? `7d:${label}` : undefined, item));
    }
  }
  for (const [key, value] of Object.entries(rl).slice(0, MAX_ROWS)) if (key !== 'limits' && key !== 'model_scoped') add(row(windowName(key), value));
  return [...out.values()].sort((a, b) => a.window.localeCompare(b.window));
}

/** Dedup key of a snapshot: the same windows at the same levels are one event. */
export function snapshotKey(windows: RateWindow[]): string {
  return windows.map((w) => `${w.window}=${w.used_percentage}@${w.resets_at}`).join(';');
}

export const windowLabel = (w: WindowName) =>
  w === '5h' ? '5-hour window' : w === '7d' ? 'weekly window' : w === 'spend' ? 'spend limit' : w.startsWith('7d:') ? `weekly ${w.slice(3)} window` : w;

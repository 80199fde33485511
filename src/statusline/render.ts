// The line itself: short, in a fixed order, coloured only when asked. Pure: facts in, text out.
import type { RateWindow } from '../core/windows/rate-limits';
import type { LineFacts } from './facts';

export interface Paint {
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const plain: Paint = { dim: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s };
const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const ansi: Paint = { dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) };

/** NO_COLOR wins, then FORCE_COLOR, then whether stdout is a terminal. */
export function wantsColour(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTty;
}

export interface LineInput {
  facts?: LineFacts;
  /** Claude Code's own session cost, used when the ledger has no spend for the session. */
  costUsd?: number;
  /** The payload's windows (current); the ledger's standing windows fill in when it has none. */
  windows: RateWindow[];
  now: number;
  colour: boolean;
}

export function renderLine(i: LineInput): string {
  const p = i.colour ? ansi : plain;
  const parts: string[] = [];
  const f = i.facts;
  if (f && f.tokens > 0) {
    // USD from the ledger; where nothing is priced there, Claude Code's own figure for the session.
    const money = f.usd !== null ? usd(f.usd) + (f.usdLowerBound ? '+' : '') : i.costUsd !== undefined ? usd(i.costUsd) : '$?';
    parts.push(`${compact(f.tokens)} tok ${money}`);
  }
  else if (i.costUsd !== undefined) parts.push(usd(i.costUsd));
  else parts.push('0 tok');
  if (f?.nearest) parts.push(`${f.nearest.budget} ${level(p, f.nearest.percent, 100)}`);
  if (f && f.running > 0) parts.push(`${f.running} agent${f.running === 1 ? '' : 's'} running`);
  if (f && f.openCircuits > 0) parts.push(p.red(`${f.openCircuits} circuit${f.openCircuits === 1 ? '' : 's'} open`));
  const windows = i.windows.length ? i.windows : (f?.windows ?? []);
  for (const w of windows) {
    if (w.resets_at * 1000 <= i.now) continue;
    parts.push(`${w.window} ${level(p, w.used_percentage, f?.limits[w.window] ?? 100)} ${p.dim(`↻${until(w.resets_at * 1000 - i.now)}`)}`);
  }
  return `${p.dim('warden')} ${parts.join(p.dim(' · '))}`;
}

function level(p: Paint, percent: number, limit: number): string {
  const text = `${Math.round(percent)}%`;
  return percent >= limit ? p.red(text) : percent >= Math.min(limit * 0.8, 80) ? p.yellow(text) : p.green(text);
}

const usd = (n: number) => (n > 0 && n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)}M`;
}

/** "2h10m", "3d4h", "45m" */
function until(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h}h${String(min % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

export const FALLBACK = 'warden (status unavailable: run `agent-warden doctor`)';

// Numbers for people, shared by the reports' renderings and the CLI's tables.
export const fmtInt = (n: number | null | undefined) => (n === null || n === undefined ? '' : Math.round(n).toLocaleString('en-US'));
/** USD for people: 4 decimals under $1, never a misleading `$0.0000` for a tiny non-zero amount. */
export const fmtUsd = (n: number | null | undefined) =>
  n === null || n === undefined ? 'unpriced' : n === 0 ? '$0.00' : n > 0 && n < 0.0001 ? '<$0.0001' : `$${n.toFixed(Math.abs(n) < 1 ? 4 : 2)}`;
export const fmtMs = (n: number | null | undefined) => (n === null || n === undefined ? '' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);

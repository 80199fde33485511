// One self-contained HTML file: the chart library and the page script are inlined from the
// plugin's own dist/vendor (copied there at build time), the data is a JSON block. No request
// leaves the page, so it opens from disk with the network off.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DashboardData } from '../report/dashboard-data';

export function vendorFile(name: string, dir = join(__dirname, 'vendor')): string {
  return readFileSync(join(dir, name), 'utf8');
}

/** `</script>` inside inlined text would end the element early. */
const inlineSafe = (text: string) => text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

export function renderDashboard(data: DashboardData, assets = { echarts: vendorFile('echarts.min.js'), page: vendorFile('dashboard.js') }): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>agent-warden dashboard</title>
<style>
  :root { color-scheme: light dark; --fg: #1d2433; --muted: #667085; --line: #d0d5dd; --panel: #fff; --bg: #f5f6f8; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6e8ec; --muted: #98a2b3; --line: #344054; --panel: #161b26; --bg: #0c111d; } }
  body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--panel); }
  header h1 { font-size: 16px; margin: 0 16px 0 0; }
  header .meta { color: var(--muted); margin-left: auto; }
  main { display: grid; gap: 16px; padding: 16px 20px; }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
  section h2 { font-size: 15px; margin: 0 0 8px; display: flex; gap: 12px; align-items: center; }
  .row { display: grid; grid-template-columns: minmax(0, 2fr) minmax(260px, 1fr); gap: 16px; }
  @media (max-width: 900px) { .row { grid-template-columns: 1fr; } }
  .chart { height: 320px; }
  .tall { height: 420px; }
  .table { max-height: 420px; overflow: auto; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  td:not(:first-child), th:not(:first-child) { text-align: right; }
  .note { color: var(--muted); font-weight: normal; font-size: 13px; }
  select { font: inherit; }
</style>
</head>
<body>
<header>
  <h1>agent-warden</h1>
  <label>Project <select id="project"></select></label>
  <label>Time <select id="range"><option value="0">everything in this file</option><option value="1">last 24 hours</option><option value="7">last 7 days</option><option value="30">last 30 days</option></select></label>
  <span class="meta">from ${escapeHtml(data.since.slice(0, 10))} · generated ${escapeHtml(data.generated_at.slice(0, 16).replace('T', ' '))} UTC</span>
</header>
<main>
  <section><h2>Spend per day by agent type <select id="unit"><option value="tokens">tokens</option><option value="usd">USD</option></select></h2>
    <div class="row"><div id="chart-spend" class="chart" data-chart="spend"></div><div id="table-spend" class="table"></div></div></section>
  <section><h2>Session timeline <select id="session"></select> <span class="note">each subagent under its parent; background runs paler</span></h2>
    <div class="row"><div id="chart-timeline" class="chart tall" data-chart="timeline"></div><div id="table-timeline" class="table"></div></div></section>
  <section><h2>Budget burn-down <span class="note">spend in the current window against each limit; dashed: forecast at the current rate</span></h2>
    <div class="row"><div id="chart-budgets" class="chart" data-chart="budgets"></div><div id="table-budgets" class="table"></div></div></section>
  <section><h2>Failures and open circuits</h2>
    <div class="row"><div id="chart-failures" class="chart" data-chart="failures"></div><div id="table-failures" class="table"></div></div></section>
  <section><h2>Core listing <span class="note" id="listing-note"></span></h2>
    <div class="row"><div id="chart-listing" class="chart" data-chart="listing"></div><div id="table-listing" class="table"></div></div></section>
</main>
<script id="warden-data" type="application/json">${json}</script>
<script>${inlineSafe(assets.echarts)}</script>
<script>${inlineSafe(assets.page)}</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

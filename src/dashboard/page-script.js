/* The dashboard's own script: filters, charts (ECharts, inlined beside it) and the tables beside them.
   Plain ES2018 run in the browser; data comes from the JSON block the CLI writes into the page. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('warden-data').textContent);
  var charts = {};
  var state = { project: '', days: 0, unit: 'tokens', session: '' };
  var DAY = 86400000;
  var fmt = function (n) { return Number(n || 0).toLocaleString('en-US'); };
  var usd = function (n) { return n == null ? '—' : '$' + Number(n).toFixed(n < 1 ? 4 : 2); };
  var el = function (id) { return document.getElementById(id); };
  var esc = function (s) { return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); };
  var cutoff = function () { return state.days ? Date.parse(data.generated_at) - state.days * DAY : 0; };
  var inProject = function (p) { return !state.project || p === state.project; };

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(el(id), null, { renderer: 'canvas' });
    return charts[id];
  }
  function table(id, headers, rows) {
    el(id).innerHTML = '<table><thead><tr>' + headers.map(function (h) { return '<th>' + esc(h) + '</th>'; }).join('') + '</tr></thead><tbody>' +
      (rows.length ? rows.map(function (r) { return '<tr>' + r.map(function (c) { return '<td>' + esc(c) + '</td>'; }).join('') + '</tr>'; }).join('') : '<tr><td colspan="' + headers.length + '">nothing in this range</td></tr>') +
      '</tbody></table>';
  }

  function drawSpend() {
    var since = cutoff();
    var rows = data.spend.filter(function (r) { return inProject(r.project) && Date.parse(r.day) + DAY > since; });
    var days = Array.from(new Set(rows.map(function (r) { return r.day; }))).sort();
    var types = Array.from(new Set(rows.map(function (r) { return r.agent_type; }))).sort();
    var key = state.unit === 'usd' ? 'cost_usd' : 'tokens';
    var series = types.map(function (t) {
      return { name: t, type: 'bar', stack: 'spend', emphasis: { focus: 'series' }, data: days.map(function (d) {
        return rows.filter(function (r) { return r.day === d && r.agent_type === t; }).reduce(function (n, r) { return n + r[key]; }, 0);
      }) };
    });
    chart('chart-spend').setOption({ tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 70, right: 20, top: 50, bottom: 30 },
      xAxis: { type: 'category', data: days }, yAxis: { type: 'value', name: state.unit === 'usd' ? 'USD' : 'tokens' }, series: series }, true);
    var totals = types.map(function (t) {
      var mine = rows.filter(function (r) { return r.agent_type === t; });
      return [t, fmt(mine.reduce(function (n, r) { return n + r.tokens; }, 0)), usd(mine.reduce(function (n, r) { return n + r.cost_usd; }, 0))];
    }).sort(function (a, b) { return Number(b[1].replace(/,/g, '')) - Number(a[1].replace(/,/g, '')); });
    table('table-spend', ['agent type', 'tokens', 'cost'], totals);
  }

  function sessionsInRange() {
    var since = cutoff();
    return data.sessions.filter(function (s) { return inProject(s.project) && (s.ended_at || s.started_at || 0) >= since; });
  }

  function drawTimeline() {
    var list = sessionsInRange();
    var select = el('session');
    select.innerHTML = list.map(function (s) {
      return '<option value="' + esc(s.session_id) + '">' + esc(s.session_id.slice(0, 8) + ' · ' + new Date(s.started_at || 0).toISOString().slice(0, 16).replace('T', ' ') + ' · ' + s.runs.length + ' subagents' + (s.imported ? ' · imported' : '')) + '</option>';
    }).join('');
    // By default the session with the most subagents: the one whose shape is worth seeing.
    if (!list.some(function (s) { return s.session_id === state.session; })) {
      state.session = list.slice().sort(function (a, b) { return b.runs.length - a.runs.length; }).map(function (s) { return s.session_id; })[0] || '';
    }
    select.value = state.session;
    var s = list.filter(function (x) { return x.session_id === state.session; })[0];
    var rows = [];
    if (s) {
      var depth = {};
      var byAgent = {};
      s.runs.forEach(function (r) { if (r.agent_id) byAgent[r.agent_id] = r; });
      var depthOf = function (r) {
        if (depth[r.tool_use_id] !== undefined) return depth[r.tool_use_id];
        var parent = r.parent_agent_id && byAgent[r.parent_agent_id];
        return (depth[r.tool_use_id] = parent && parent !== r ? depthOf(parent) + 1 : 1);
      };
      rows.push({ label: 'main thread', start: s.started_at, end: s.ended_at || s.started_at, status: 'main', tokens: s.main_tokens, background: false });
      var ordered = [];
      var visit = function (parentId) {
        s.runs.filter(function (r) { return (r.parent_agent_id || null) === parentId || (parentId === null && r.parent_agent_id && !byAgent[r.parent_agent_id]); })
          .forEach(function (r) { if (ordered.indexOf(r) < 0) { ordered.push(r); if (r.agent_id) visit(r.agent_id); } });
      };
      visit(null);
      s.runs.forEach(function (r) { if (ordered.indexOf(r) < 0) ordered.push(r); });
      ordered.forEach(function (r) {
        var d = depthOf(r);
        rows.push({ label: new Array(d).join('   ') + '└ ' + r.agent_type + (r.background ? ' (background)' : ''), start: r.started_at || s.started_at, end: r.ended_at || r.started_at || s.started_at, status: r.status, tokens: r.tokens, background: r.background, depth: d });
      });
    }
    var colors = { main: '#5470c6', completed: '#91cc75', running: '#fac858', failed: '#ee6666', denied: '#9a60b4', killed: '#ea7ccc' };
    chart('chart-timeline').setOption({
      tooltip: { formatter: function (p) { var r = rows[p.value[0]]; return esc(r.label.trim()) + '<br>' + esc(r.status) + ' · ' + fmt(r.tokens) + ' tokens<br>' + Math.round((r.end - r.start) / 100) / 10 + ' s'; } },
      grid: { left: 220, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'time' },
      yAxis: { type: 'category', inverse: true, data: rows.map(function (r) { return r.label; }), axisLabel: { fontFamily: 'monospace', align: 'left', margin: 210 } },
      series: [{ type: 'custom', encode: { x: [1, 2], y: 0 }, data: rows.map(function (r, i) { return { value: [i, r.start, Math.max(r.end, r.start + 200)], itemStyle: { color: colors[r.status] || '#999', opacity: r.background ? 0.6 : 1 } }; }),
        renderItem: function (params, api) {
          var y = api.value(0), a = api.coord([api.value(1), y]), b = api.coord([api.value(2), y]), h = api.size([0, 1])[1] * 0.6;
          return { type: 'rect', shape: { x: a[0], y: a[1] - h / 2, width: Math.max(2, b[0] - a[0]), height: h }, style: api.style() };
        } }],
    }, true);
    table('table-timeline', ['thread', 'status', 'tokens', 'seconds'], rows.map(function (r) { return [r.label.trim(), r.status, fmt(r.tokens), (Math.round((r.end - r.start) / 100) / 10).toString()]; }));
  }

  function drawBudgets() {
    var series = [];
    // The axis reaches every limit, so each limit line shows even while spend is far below it.
    var topLimit = data.budgets.reduce(function (m, b) { return Math.max(m, b.limit + b.raised); }, 0);
    data.budgets.forEach(function (b) {
      var name = b.budget + ' (' + b.unit + ')';
      var points = b.burn.map(function (p) { return [p.at, p.spent]; });
      series.push({ name: name, type: 'line', step: false, showSymbol: false, data: points,
        markLine: { symbol: 'none', label: { formatter: 'limit ' + fmt(b.limit + b.raised) }, data: [{ yAxis: b.limit + b.raised }] } });
      if (b.resets_at && b.forecast_at_reset != null) {
        var last = points.length ? points[points.length - 1] : [Date.parse(b.window_start), 0];
        series.push({ name: name + ' forecast', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [last, [Date.parse(b.resets_at), b.forecast_at_reset]] });
      }
    });
    chart('chart-budgets').setOption({ tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 70, right: 30, top: 50, bottom: 30 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', max: function (v) { return Math.ceil(Math.max(v.max, topLimit * 1.05)); } }, series: series }, true);
    table('table-budgets', ['budget', 'spent', 'limit', 'used', 'resets', 'forecast at reset'], data.budgets.map(function (b) {
      var money = b.unit === 'usd';
      return [b.budget, money ? usd(b.spent) : fmt(b.spent), money ? usd(b.limit + b.raised) : fmt(b.limit + b.raised), b.percent + '%', b.resets_at ? b.resets_at.slice(0, 16).replace('T', ' ') : 'session end', b.forecast_at_reset == null ? '—' : money ? usd(b.forecast_at_reset) : fmt(b.forecast_at_reset)];
    }));
  }

  function drawFailures() {
    var since = cutoff();
    var rows = data.failures.filter(function (r) { return inProject(r.project) && Date.parse(r.day) + DAY > since; });
    var days = Array.from(new Set(rows.map(function (r) { return r.day; }))).sort();
    var kinds = [['failed', 'failed dispatches'], ['denied', 'denied dispatches'], ['killed', 'killed dispatches'], ['tool_failures', 'failed tool calls'], ['circuits_opened', 'circuits opened']];
    var sum = function (d, k) { return rows.filter(function (r) { return r.day === d; }).reduce(function (n, r) { return n + r[k]; }, 0); };
    chart('chart-failures').setOption({ tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 20, top: 50, bottom: 30 },
      xAxis: { type: 'category', data: days }, yAxis: { type: 'value', minInterval: 1 },
      series: kinds.map(function (k) { return { name: k[1], type: 'bar', stack: k[0] === 'circuits_opened' ? 'circuits' : 'f', data: days.map(function (d) { return sum(d, k[0]); }) }; }) }, true);
    table('table-failures', ['day'].concat(kinds.map(function (k) { return k[1]; })), days.map(function (d) { return [d].concat(kinds.map(function (k) { return String(sum(d, k[0])); })); }));
  }

  function drawListing() {
    var l = data.listing;
    el('listing-note').textContent = l ? 'Project ' + l.project : 'No agents in this project: run the dashboard from a project with .claude/agents to see its listing.';
    chart('chart-listing').setOption({ tooltip: {}, grid: { left: 70, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: ['before curation', 'core now'] }, yAxis: { type: 'value', name: 'tokens per request' },
      series: [{ type: 'bar', data: l ? [l.before_tokens, l.after_tokens] : [0, 0], label: { show: true, position: 'top' } }] }, true);
    table('table-listing', ['', 'agents listed', 'tokens per request'], l ? [['before curation', String(l.before_agents), fmt(l.before_tokens)], ['core now', String(l.after_agents), fmt(l.after_tokens)]] : []);
  }

  function drawAll() { drawSpend(); drawTimeline(); drawBudgets(); drawFailures(); drawListing(); }

  el('project').innerHTML = '<option value="">all projects</option>' + data.projects.map(function (p) { return '<option>' + esc(p) + '</option>'; }).join('');
  el('project').onchange = function (e) { state.project = e.target.value; drawAll(); };
  el('range').onchange = function (e) { state.days = Number(e.target.value); drawAll(); };
  el('unit').onchange = function (e) { state.unit = e.target.value; drawSpend(); };
  el('session').onchange = function (e) { state.session = e.target.value; drawTimeline(); };
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  drawAll();
  window.__wardenCharts = charts;
  document.body.setAttribute('data-ready', '1');
})();

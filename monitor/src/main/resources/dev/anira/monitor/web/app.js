// The dashboard: fetches /api/snapshot whenever /events announces a change, then redraws.
// Each chart's element carries data-points (how many points it drew), for tests and curious users.
// Without a task chosen it shows the overview (one cell per task, mechanisms side by side); with
// one, that task's page. The operator strip and the tables below are always there.
const charts = {};
for (const id of ['rho', 'heatmap', 'timing', 'tracking', 'generalization', 'convergence', 'timeline']) {
  charts[id] = echarts.init(document.getElementById(id));
}
const minis = {};
const MECHANISM_COLORS = { ONLINE: '#1f77b4', EARLY: '#ff7f0e', FIXED: '#555' };
let snapshot = null;
const $ = (id) => document.getElementById(id);

function selected(model) {
  const t = $('task').value, m = $('mechanism').value;
  return (!t || model.task === t) && (!m || model.mechanism === m);
}

function visibleModels() {
  return snapshot.models.filter(selected).map((m) => m.modelId);
}

// Rewrites the options only when they change, so an open list or a pick in progress survives the
// refreshes that live data brings every second.
function fillSelect(select, values) {
  const current = select.value;
  const keep = select.options[0] ? select.options[0].outerHTML : '';
  const options = keep + values.map((v) => `<option value="${v}">${v}</option>`).join('');
  if (select.dataset.options === options) return;
  select.innerHTML = options;
  select.dataset.options = options;
  select.value = values.includes(current) ? current : '';
}

function mark(id, points) {
  $(id).dataset.points = points;
}

function drawRho(models) {
  const series = [];
  let points = 0;
  for (const [key, line] of Object.entries(snapshot.rho)) {
    if (!models.includes(key.split('|')[0])) continue;
    const data = line.filter((p) => p[1] !== null);
    points += data.length;
    series.push({ name: key.replaceAll('|', ' '), type: 'line', showSymbol: false, data });
  }
  charts.rho.setOption({
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'time' }, yAxis: { type: 'value', min: -1, max: 1 }, series,
  }, true);
  mark('rho', points);
}

function drawHeatmap(models) {
  const model = models.find((m) => snapshot.heatmap[m]);
  const cells = model ? snapshot.heatmap[model] : [];
  const max = Math.max(1, ...cells.map((c) => c[2]));
  const xs = [...new Set(cells.map((c) => c[0]))].sort((a, b) => a - b);
  const ys = [...new Set(cells.map((c) => c[1]))].sort((a, b) => a - b);
  charts.heatmap.setOption({
    title: { text: model || 'no halting events yet', textStyle: { fontSize: 12 } },
    tooltip: {}, xAxis: { type: 'category', name: 'complexity', data: xs },
    yAxis: { type: 'category', name: 'depth', data: ys },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
    grid: { bottom: 70 },
    series: [{ type: 'heatmap', data: cells.map((c) => [xs.indexOf(c[0]), ys.indexOf(c[1]), c[2]]) }],
  }, true);
  mark('heatmap', cells.length);
}

// Per model, its largest train-size bucket: adjusted R² static vs algorithmic with the null
// baseline (with depth drawn at random both stay near 0), and each feature's unique share of the
// full fit.
function drawTiming(models) {
  const best = {};
  for (const r of snapshot.timing) {
    if (!models.includes(r.modelId) || r.split !== 'TRAIN') continue;
    if (!best[r.modelId] || r.tokens > best[r.modelId].tokens) best[r.modelId] = r;
  }
  const rows = Object.values(best);
  const names = rows.map((r) => `${r.modelId} ${r.sizeBucket}`);
  const features = [...new Set(rows.flatMap((r) => r.featureShares.map((f) => f[0])))];
  const shares = rows.map((r) => ({
    name: `${r.modelId}: unique share`, type: 'bar', xAxisIndex: 1, yAxisIndex: 1,
    data: features.map((f) => { const hit = r.featureShares.find((s) => s[0] === f); return hit ? hit[1] : null; }),
  }));
  charts.timing.setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' },
    grid: [{ top: 40, bottom: '52%', left: 50, right: 20 }, { top: '58%', bottom: 70, left: 50, right: 20 }],
    xAxis: [{ type: 'category', data: names, gridIndex: 0, axisLabel: { fontSize: 10 } },
      { type: 'category', data: features, gridIndex: 1, axisLabel: { rotate: 30, fontSize: 9 } }],
    yAxis: [{ type: 'value', min: 0, max: 1, gridIndex: 0, name: 'adj. R²' },
      { type: 'value', gridIndex: 1, name: 'unique share' }],
    series: [
      { name: 'adjusted R² static', type: 'bar', data: rows.map((r) => r.adjustedR2Static),
        markLine: { silent: true, symbol: 'none', label: { formatter: 'null baseline' },
          lineStyle: { type: 'dashed', color: '#888' }, data: [{ yAxis: 0 }] } },
      { name: 'adjusted R² algorithmic', type: 'bar', data: rows.map((r) => r.adjustedR2Algorithm) },
      ...shares,
    ],
  }, true);
  mark('timing', rows.length);
}

function drawTracking(models) {
  const best = {};
  for (const r of snapshot.timing) {
    if (!models.includes(r.modelId) || r.split !== 'TRAIN') continue;
    if (!best[r.modelId] || r.tokens > best[r.modelId].tokens) best[r.modelId] = r;
  }
  let points = 0;
  const series = Object.values(best).map((r) => {
    const data = r.tracking.filter((t) => t.auc !== null).map((t) => [t.step, t.auc]);
    points += data.length;
    return { name: `${r.modelId} ${r.sizeBucket}`, type: 'line', data };
  });
  charts.tracking.setOption({
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'value', name: 'step k', minInterval: 1 }, yAxis: { type: 'value', min: 0, max: 1 },
    series,
  }, true);
  mark('tracking', points);
}

function drawGeneralization(models) {
  const rows = snapshot.generalization.filter((r) => models.includes(r.modelId));
  const mechanism = Object.fromEntries(snapshot.models.map((m) => [m.modelId, m.mechanism]));
  const series = [];
  const extrapolation = rows.filter((r) => r.split === 'EXTRAPOLATION').map((r) => r.size);
  const shade = extrapolation.length
    ? { silent: true, itemStyle: { color: 'rgba(255, 228, 196, 0.5)' },
        data: [[{ xAxis: Math.min(...extrapolation) - 0.5 }, { xAxis: Math.max(...extrapolation) + 0.5 }]] }
    : undefined;
  for (const model of [...new Set(rows.map((r) => r.modelId))]) {
    const mine = rows.filter((r) => r.modelId === model).sort((a, b) => a.size - b.size);
    const color = MECHANISM_COLORS[mechanism[model]];
    series.push({ name: model, type: 'line', xAxisIndex: 0, yAxisIndex: 0, color,
      data: mine.map((r) => [r.size, r.accuracy]), markArea: series.length ? undefined : shade });
    series.push({ name: model, type: 'line', xAxisIndex: 1, yAxisIndex: 1, color,
      data: mine.map((r) => ({ value: [r.size, r.meanDepth],
        itemStyle: r.moreComputeStillWrong ? { color: '#b00020' } : undefined })),
      markArea: series.length > 1 ? undefined : shade });
  }
  charts.generalization.setOption({
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
    grid: [{ top: 30, height: '36%' }, { top: '58%', height: '32%' }],
    xAxis: [{ type: 'value', gridIndex: 0, min: 'dataMin', max: 'dataMax' },
      { type: 'value', gridIndex: 1, name: 'input size', min: 'dataMin', max: 'dataMax' }],
    yAxis: [{ type: 'value', gridIndex: 0, name: 'accuracy', min: 0, max: 1 },
      { type: 'value', gridIndex: 1, name: 'mean depth' }],
    series,
  }, true);
  mark('generalization', rows.length);
}

async function drawTimeline(id) {
  if (!id) { charts.timeline.clear(); mark('timeline', 0); return; }
  const response = await fetch(`api/instance?id=${encodeURIComponent(id)}`);
  if (!response.ok) { charts.timeline.clear(); mark('timeline', 0); return; }
  const instance = await response.json();
  const mechanism = $('mechanism').value;
  instance.tokens = instance.tokens.filter((t) => !mechanism || t.mechanism === mechanism);
  const rows = instance.tokens.map((t) => `${t.modelId} #${t.answerIndex}`);
  const cells = [], halts = [], resolved = [];
  let maxStep = 1;
  instance.tokens.forEach((t, row) => {
    t.lambda.forEach((l, k) => cells.push([k + 1, row, l]));
    halts.push([t.depth, row]);
    resolved.push([t.complexity, row]);
    maxStep = Math.max(maxStep, t.depth, t.complexity);
  });
  charts.timeline.setOption({
    title: { text: instance.instanceId, textStyle: { fontSize: 12 } },
    tooltip: {}, legend: { top: 0, right: 0, data: ['halted', 'resolved by the algorithm'] },
    xAxis: { type: 'value', name: 'step', min: 0.5, max: maxStep + 0.5, interval: 1 },
    yAxis: { type: 'category', data: rows, axisLabel: { fontSize: 10 } },
    visualMap: { min: 0, max: 1, dimension: 2, seriesIndex: 0, orient: 'horizontal', left: 'center', bottom: 0, text: ['λ 1', 'λ 0'] },
    grid: { left: 130, bottom: 60 },
    series: [
      { type: 'scatter', symbol: 'rect', symbolSize: 18, data: cells },
      { name: 'halted', type: 'scatter', symbol: 'triangle', symbolSize: 12, itemStyle: { color: '#1d2330' }, data: halts },
      { name: 'resolved by the algorithm', type: 'scatter', symbol: 'circle', symbolSize: 8, itemStyle: { color: '#e0a000' }, data: resolved },
    ],
  }, true);
  mark('timeline', cells.length);
}

function drawDeadLetters() {
  const rows = Object.entries(snapshot.deadLetters || {});
  $('deadLetters').querySelector('tbody').innerHTML = rows.length
    ? rows.map(([reason, n]) => `<tr><td>${reason}</td><td>${n}</td></tr>`).join('')
    : '<tr><td colspan="2">none</td></tr>';
  $('deadLetters').dataset.points = rows.length;
}

function drawAlerts(models) {
  const body = $('alerts').querySelector('tbody');
  const rows = snapshot.alerts.filter((a) => models.includes(a.modelId));
  body.innerHTML = rows.map((a) => `<tr class="${a.severity}"><td>${new Date(a.windowEnd).toLocaleTimeString()}</td>`
    + `<td>${a.severity}</td><td>${a.kind}</td><td>${a.message}</td></tr>`).join('');
  $('alerts').dataset.points = rows.length;
}

// Per model, the overthinking histogram of its largest train-size bucket, as shares of its tokens;
// the legend gives the settled-at-halt and right-then-wrong shares.
function drawConvergence(models) {
  const best = {};
  for (const r of snapshot.convergence) {
    if (!models.includes(r.modelId) || r.split !== 'TRAIN' || !r.tokens) continue;
    if (!best[r.modelId] || r.tokens > best[r.modelId].tokens) best[r.modelId] = r;
  }
  let points = 0;
  const pct = (x) => (x == null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  const series = Object.values(best).map((r) => {
    points += r.histogram.length;
    return {
      name: `${r.modelId} (settled at halt ${pct(r.settledAtHaltShare)}, right then wrong ${pct(r.rightThenWrongShare)})`,
      type: 'bar',
      data: r.histogram.map(([steps, n]) => [steps, n / r.tokens]),
    };
  });
  charts.convergence.setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'value', name: 'steps after settling', minInterval: 1 },
    yAxis: { type: 'value', name: 'share of tokens' }, grid: { top: 40 },
    series,
  }, true);
  mark('convergence', points);
}

function number(x, digits = 2) {
  return x == null ? '–' : x.toFixed(digits);
}

function percent(x) {
  return x == null ? '–' : `${(100 * x).toFixed(1)}%`;
}

// One cell per task: a mini heatmap per mechanism and the numbers that compare them.
function drawOverview() {
  const byTask = {};
  for (const row of snapshot.overview) {
    if (!selected({ task: row.task, mechanism: row.mechanism })) continue;
    (byTask[row.task] = byTask[row.task] || []).push(row);
  }
  const tasks = Object.keys(byTask).sort();
  const container = $('cells');
  const mechanisms = (rows) => rows.map((r) => r.mechanism).sort().reverse(); // ONLINE, EARLY
  const signature = tasks.map((t) => `${t}:${mechanisms(byTask[t]).join('+')}`).join(',');
  if (container.dataset.signature !== signature) {
    Object.values(minis).forEach((c) => c.dispose());
    for (const key of Object.keys(minis)) delete minis[key];
    container.innerHTML = tasks.map((t) => `<div class="cell" data-task="${t}"><h3>${t}</h3>`
      + `<div class="pair">${mechanisms(byTask[t]).map((m) => `<div class="mini" id="mini-${t}-${m}"></div>`).join('')}</div>`
      + '<table><thead></thead><tbody></tbody></table></div>').join('');
    container.dataset.signature = signature;
    for (const cell of container.querySelectorAll('.cell')) {
      cell.addEventListener('click', () => { $('task').value = cell.dataset.task; draw(); });
    }
  }
  let points = 0;
  for (const task of tasks) {
    const rows = byTask[task].sort((a, b) => b.mechanism.localeCompare(a.mechanism));
    for (const row of rows) {
      const id = `mini-${task}-${row.mechanism}`;
      const cells = snapshot.heatmap[row.modelId] || [];
      points += cells.length;
      minis[id] = minis[id] || echarts.init($(id));
      const max = Math.max(1, ...cells.map((c) => c[2]));
      const xs = [...new Set(cells.map((c) => c[0]))].sort((a, b) => a - b);
      const ys = [...new Set(cells.map((c) => c[1]))].sort((a, b) => a - b);
      minis[id].setOption({
        title: { text: row.mechanism, textStyle: { fontSize: 11, color: MECHANISM_COLORS[row.mechanism] } },
        tooltip: {}, grid: { left: 28, right: 6, top: 22, bottom: 20 },
        xAxis: { type: 'category', data: xs, axisLabel: { fontSize: 9 } },
        yAxis: { type: 'category', data: ys, axisLabel: { fontSize: 9 } },
        visualMap: { show: false, min: 0, max, inRange: { color: ['#f0f4fa', MECHANISM_COLORS[row.mechanism]] } },
        series: [{ type: 'heatmap', data: cells.map((c) => [xs.indexOf(c[0]), ys.indexOf(c[1]), c[2]]) }],
      }, true);
      $(id).dataset.points = cells.length;
    }
    const cell = container.querySelector(`.cell[data-task="${task}"]`);
    cell.querySelector('thead').innerHTML = `<tr><th></th>${rows.map((r) => `<th class="${r.mechanism}">${r.mechanism}</th>`).join('')}</tr>`;
    const line = (label, f) => `<tr><td>${label}</td>${rows.map((r) => `<td>${f(r)}</td>`).join('')}</tr>`;
    cell.querySelector('tbody').innerHTML = [
      line('ρ depth~complexity (correct)', (r) => number(r.rho)),
      line('partial r', (r) => number(r.partial)),
      line('accuracy train / extrap.', (r) => `${percent(r.accuracyTrain)} / ${percent(r.accuracyExtrapolation)}`),
      line('mean depth train / extrap.', (r) => `${number(r.depthTrain)} / ${number(r.depthExtrapolation)}`),
    ].join('');
  }
  container.dataset.points = points;
}

// One chart per training run: accuracy, ρ and partial r, mean depth and depth entropy per
// evaluation, train (solid) and extrapolation (dashed) sizes.
function drawTrainingRuns() {
  const runs = (snapshot.runs || []).filter((r) => selected(r));
  $('trainingRuns').hidden = runs.length === 0;
  const container = $('runs');
  const signature = runs.map((r) => r.modelId).join(',');
  if (container.dataset.signature !== signature) {
    for (const key of Object.keys(minis)) if (key.startsWith('run-')) { minis[key].dispose(); delete minis[key]; }
    container.innerHTML = runs.map((r, i) => `<div class="run" id="run-${i}"></div>`).join('');
    container.dataset.signature = signature;
  }
  let points = 0;
  runs.forEach((run, i) => {
    const id = `run-${i}`;
    minis[id] = minis[id] || echarts.init($(id));
    const at = (split, field) => run.evaluations.filter((e) => e[split]).map((e) => [e.update, e[split][field]]);
    const line = (name, data, grid, dashed) => ({ name, type: 'line', data, xAxisIndex: grid, yAxisIndex: grid,
      lineStyle: dashed ? { type: 'dashed' } : undefined });
    const collapsed = run.evaluations.filter((e) => e.train && e.train.dominantDepthShare > 0.9)
      .map((e) => ({ coord: [e.update, e.train.meanDepth], itemStyle: { color: '#b00020' } }));
    points += run.evaluations.length;
    minis[id].setOption({
      title: { text: run.modelId, textStyle: { fontSize: 12, color: MECHANISM_COLORS[run.mechanism] } },
      tooltip: { trigger: 'axis' }, legend: { top: 18, type: 'scroll' },
      grid: [{ top: 60, height: '20%' }, { top: '45%', height: '18%' }, { top: '72%', height: '18%' }],
      xAxis: [0, 1, 2].map((g) => ({ type: 'value', gridIndex: g, name: g === 2 ? 'update' : '', min: 'dataMin' })),
      yAxis: [{ gridIndex: 0, min: 0, max: 1, name: 'accuracy' }, { gridIndex: 1, min: -1, max: 1, name: 'ρ, partial r' },
        { gridIndex: 2, name: 'depth, bits' }].map((a) => ({ type: 'value', ...a })),
      series: [
        line('accuracy train', at('train', 'accuracy'), 0), line('accuracy extrap.', at('extrapolation', 'accuracy'), 0, true),
        line('ρ (largest train bucket)', run.evaluations.filter((e) => e.rho != null).map((e) => [e.update, e.rho]), 1),
        line('partial r', run.evaluations.filter((e) => e.partial != null).map((e) => [e.update, e.partial]), 1, true),
        { ...line('mean depth train', at('train', 'meanDepth'), 2), markPoint: { symbol: 'pin', symbolSize: 22, data: collapsed } },
        line('mean depth extrap.', at('extrapolation', 'meanDepth'), 2, true),
        line('depth entropy train (bits)', at('train', 'depthEntropy'), 2),
      ],
    }, true);
    $(id).dataset.points = run.evaluations.length;
  });
  container.dataset.points = points;
}

function drawOperator() {
  const o = snapshot.operator;
  $('runsPerSecond').textContent = o.runsPerSecond.toFixed(1);
  $('lag').textContent = o.lag.toLocaleString();
  $('deadLetterCount').textContent = o.deadLetters.toLocaleString();
  $('activeAlerts').textContent = o.activeAlerts;
  $('activeAlerts').parentElement.style.color = o.activeAlerts ? '#b00020' : '';
}

// The latest instances of the chosen task, for the halting timeline.
function fillInstances() {
  const instance = $('instance');
  const current = instance.value;
  const task = $('task').value;
  const ids = snapshot.instances.filter((id) => !task || snapshot.instanceTasks[id] === task);
  instance.innerHTML = ids.map((id) => `<option value="${id}">${id}</option>`).join('');
  if (ids.includes(current)) instance.value = current;
}

function draw() {
  if (!snapshot) return;
  const overview = !$('task').value;
  const switching = $('overview').hidden === overview; // the page changes: charts must re-measure
  $('overview').hidden = !overview;
  $('taskPage').hidden = overview;
  const models = visibleModels();
  drawOperator(); drawTrainingRuns(); drawOverview();
  drawRho(models); drawHeatmap(models); drawTiming(models); drawTracking(models);
  drawGeneralization(models); drawConvergence(models); drawAlerts(models); drawDeadLetters();
  if (switching) Object.values(charts).concat(Object.values(minis)).forEach((c) => c.resize());
  fillInstances();
  const chosen = $('search').value.trim() || $('instance').value;
  drawTimeline(chosen);
}

async function refresh() {
  const response = await fetch('api/snapshot');
  snapshot = await response.json();
  fillSelect($('task'), [...new Set(snapshot.models.map((m) => m.task))].sort());
  fillSelect($('mechanism'), [...new Set(snapshot.models.map((m) => m.mechanism))].sort());
  $('status').textContent = `${snapshot.models.length} models, updated ${new Date().toLocaleTimeString()}`;
  draw();
}

for (const id of ['task', 'mechanism', 'instance']) $(id).addEventListener('change', draw);
$('search').addEventListener('change', draw);
window.addEventListener('resize', () => Object.values(charts).concat(Object.values(minis)).forEach((c) => c.resize()));

let pending = false;
const events = new EventSource('events');
events.onmessage = () => {
  if (pending) return;
  pending = true;
  // Changes come in bursts; one fetch per second is plenty.
  setTimeout(() => { pending = false; refresh(); }, 1000);
};
events.onerror = () => { $('status').textContent = 'reconnecting ...'; };
refresh();

// The dashboard: fetches /api/snapshot whenever /events announces a change, then redraws.
// Each chart's element carries data-points (how many points it drew), for tests and curious users.
const charts = {};
for (const id of ['rho', 'heatmap', 'timing', 'tracking', 'generalization', 'convergence', 'timeline']) {
  charts[id] = echarts.init(document.getElementById(id));
}
let snapshot = null;
const $ = (id) => document.getElementById(id);

function selected(model) {
  const t = $('task').value, m = $('mechanism').value, id = $('model').value;
  return (!t || model.task === t) && (!m || model.mechanism === m) && (!id || model.modelId === id);
}

function visibleModels() {
  return snapshot.models.filter(selected).map((m) => m.modelId);
}

function fillSelect(select, values) {
  const current = select.value;
  const keep = select.options[0] ? select.options[0].outerHTML : '';
  select.innerHTML = keep + values.map((v) => `<option>${v}</option>`).join('');
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

function drawTiming(models) {
  const rows = snapshot.timing.filter((r) => models.includes(r.modelId) && r.split === 'TRAIN');
  const names = rows.map((r) => `${r.modelId} ${r.sizeBucket}`);
  charts.timing.setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: 30, fontSize: 10 } },
    yAxis: { type: 'value', min: 0, max: 1 }, grid: { bottom: 90 },
    series: [
      // Adjusted R², from depth-free features: with depth drawn at random both stay near 0.
      { name: 'adjusted R² static', type: 'bar', data: rows.map((r) => r.adjustedR2Static) },
      { name: 'adjusted R² algorithmic', type: 'bar', data: rows.map((r) => r.adjustedR2Algorithm) },
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
  const series = [];
  for (const model of [...new Set(rows.map((r) => r.modelId))]) {
    const mine = rows.filter((r) => r.modelId === model).sort((a, b) => a.size - b.size);
    series.push({ name: `${model} accuracy`, type: 'line', data: mine.map((r) => [r.size, r.accuracy]) });
    series.push({ name: `${model} mean depth`, type: 'line', yAxisIndex: 1, lineStyle: { type: 'dashed' },
      data: mine.map((r) => ({ value: [r.size, r.meanDepth],
        symbol: r.split === 'EXTRAPOLATION' ? 'triangle' : 'circle',
        itemStyle: r.moreComputeStillWrong ? { color: '#b00020' } : undefined })) });
  }
  charts.generalization.setOption({
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'value', name: 'size' },
    yAxis: [{ type: 'value', name: 'accuracy', min: 0, max: 1 }, { type: 'value', name: 'depth' }],
    series,
  }, true);
  mark('generalization', rows.length);
}

async function drawTimeline(id) {
  if (!id) { charts.timeline.clear(); mark('timeline', 0); return; }
  const response = await fetch(`api/instance?id=${encodeURIComponent(id)}`);
  if (!response.ok) { charts.timeline.clear(); mark('timeline', 0); return; }
  const instance = await response.json();
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

function draw() {
  if (!snapshot) return;
  const models = visibleModels();
  drawRho(models); drawHeatmap(models); drawTiming(models); drawTracking(models);
  drawGeneralization(models); drawConvergence(models); drawAlerts(models); drawDeadLetters();
  const chosen = $('search').value.trim() || $('instance').value;
  drawTimeline(chosen);
}

async function refresh() {
  const response = await fetch('api/snapshot');
  snapshot = await response.json();
  fillSelect($('task'), [...new Set(snapshot.models.map((m) => m.task))].sort());
  fillSelect($('mechanism'), [...new Set(snapshot.models.map((m) => m.mechanism))].sort());
  fillSelect($('model'), snapshot.models.map((m) => m.modelId));
  const instance = $('instance');
  const current = instance.value;
  instance.innerHTML = snapshot.instances.map((id) => `<option>${id}</option>`).join('');
  if (snapshot.instances.includes(current)) instance.value = current;
  $('status').textContent = `${snapshot.models.length} models, updated ${new Date().toLocaleTimeString()}`;
  draw();
}

for (const id of ['task', 'mechanism', 'model', 'instance']) $(id).addEventListener('change', draw);
$('search').addEventListener('change', draw);
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

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

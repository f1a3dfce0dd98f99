// strata board, the page's script: lists the runs, draws the selected run's curves with uPlot,
// and applies the points the server pushes on /api/events (server-sent events) as they arrive.
/* global uPlot, document, window, fetch, EventSource, requestAnimationFrame, setTimeout, console */
"use strict";

const COLORS = { train: "#2563eb", validation: "#ea580c" };
const TRAINING_METRICS = ["learning_rate", "epoch_time"];
const READINGS = {
  ok: "OK",
  not_learning: "Not learning",
  overfitting: "Overfitting",
  underfitting: "Underfitting",
  validation_better: "Validation better than training",
  unknown: "Too early to tell",
};
const TITLES = { learning_rate: "learning rate", epoch_time: "seconds per epoch" };

const state = {
  runs: [],
  selected: null,
  metrics: {}, // metric -> split -> [{step, wallTime, value}]
  axes: {}, // metric -> what its steps count: "epoch", "batch", "iteration" or "step"
  charts: new Map(), // metric -> uPlot
  pushedDuringLoad: null, // points pushed while the scalars load
  dirty: new Set(),
};

const $ = (id) => document.getElementById(id);
const api = async (path) => {
  const res = await fetch(path);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `${res.status} ${path}`);
  return body;
};
const runPath = (run) => `/api/runs/${encodeURIComponent(run)}`;
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

// ---- runs ------------------------------------------------------------------------------------

async function loadRuns() {
  const { logDir, runs } = await api("/api/runs");
  state.runs = runs;
  $("logdir").textContent = logDir;
  $("no-runs").hidden = runs.length > 0;
  if (!state.selected && runs.length > 0) {
    const latest = [...runs].sort((a, b) => (b.lastWallTime ?? 0) - (a.lastWallTime ?? 0))[0];
    await selectRun(latest.name);
  }
  renderRunList();
}

function renderRunList() {
  const list = $("runs");
  list.replaceChildren(
    ...state.runs.map((run) => {
      const meta = run.lastStep === null ? "no epochs yet" : `epoch ${run.lastStep + 1}`;
      const item = el(
        "li",
        { className: run.name === state.selected ? "selected" : "", title: run.name },
        el("span", { className: "run-name", textContent: run.name }),
        el("span", { className: "muted", textContent: meta }),
      );
      item.dataset.run = run.name;
      item.addEventListener("click", () => selectRun(run.name));
      return item;
    }),
  );
  const run = state.runs.find((r) => r.name === state.selected);
  if (run) {
    const when = run.lastWallTime ? new Date(run.lastWallTime * 1000).toLocaleTimeString() : "";
    $("run-meta").textContent =
      run.lastStep === null ? "" : `epoch ${run.lastStep + 1} · logged at ${when}`;
  }
}

async function selectRun(name) {
  state.selected = name;
  state.metrics = {};
  state.axes = {};
  state.dirty.clear();
  for (const chart of state.charts.values()) chart.destroy();
  state.charts.clear();
  $("charts").replaceChildren();
  $("training-charts").replaceChildren();
  $("main").hidden = false;
  $("run-name").textContent = name;
  renderRunList();
  await Promise.all([loadScalars(), loadDiagnosis(), loadGraph(), loadHistograms()]);
}

// ---- curves ----------------------------------------------------------------------------------

async function loadScalars() {
  const run = state.selected;
  // Points pushed while the snapshot is on its way may be newer than it: apply them again after.
  const pushed = (state.pushedDuringLoad = []);
  const { metrics, axes } = await api(`${runPath(run)}/scalars`);
  state.pushedDuringLoad = null;
  if (run !== state.selected) return;
  state.metrics = metrics;
  state.axes = axes;
  addPoints(pushed, true);
  for (const metric of Object.keys(metrics)) state.dirty.add(metric);
  drawDirty();
}

const isEpochs = (metric) => (state.axes[metric] ?? "epoch") === "epoch";

/**
 * Per-epoch metrics first (loss leading), then those over batches or iterations; learning rate
 * and epoch time have their own section.
 */
function orderedMetrics() {
  const rank = (m) => (isEpochs(m) ? 0 : 1) * 2 + (m === "loss" ? 0 : 1);
  const names = Object.keys(state.metrics).filter((m) => !TRAINING_METRICS.includes(m));
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** uPlot's columns: the union of steps, and one value (or null) per step for each split. */
function columns(metric, bySplit, splits) {
  const steps = [...new Set(splits.flatMap((s) => bySplit[s].map((p) => p.step)))];
  steps.sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const ys = splits.map((split) => {
    const y = new Array(steps.length).fill(null);
    for (const p of bySplit[split]) y[index.get(p.step)] = p.value;
    return y;
  });
  // Epochs are shown from 1, as Keras prints them; batches and iterations as logged.
  return [steps.map((s) => (isEpochs(metric) ? s + 1 : s)), ...ys];
}

function chartSplits(bySplit) {
  const known = ["train", "validation"].filter((s) => bySplit[s]);
  return [...known, ...Object.keys(bySplit).filter((s) => !known.includes(s))];
}

function makeChart(metric, splits, container) {
  const card = el("div", { className: "card chart" });
  card.dataset.metric = metric;
  card.append(
    el(
      "div",
      { className: "chart-head" },
      el("h4", { textContent: TITLES[metric] ?? metric }),
      el("span", { className: "latest" }),
    ),
  );
  // Keep the grid sorted by the order the metrics are listed in.
  const order = TRAINING_METRICS.includes(metric) ? TRAINING_METRICS : orderedMetrics();
  const next = [...container.children].find(
    (c) => order.indexOf(c.dataset.metric) > order.indexOf(metric),
  );
  container.insertBefore(card, next ?? null);
  const width = Math.max(240, card.clientWidth - 24);
  const axis = state.axes[metric] ?? "epoch";
  const opts = {
    width,
    height: 200,
    scales: { x: { time: false } },
    axes: [
      { label: axis, size: 36, labelSize: 18, grid: { stroke: "#eef0f3" } },
      { size: 56, grid: { stroke: "#eef0f3" } },
    ],
    legend: { show: false },
    hooks: { setCursor: [(u) => u.splits && showValues(u)] },
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: axis },
      ...splits.map((split) => ({
        label: split,
        stroke: COLORS[split] ?? "#6b7280",
        width: 2,
        spanGaps: true,
        points: { size: 5 },
      })),
    ],
  };
  const chart = new uPlot(opts, columns(metric, state.metrics[metric], splits), card);
  chart.axis = axis;
  chart.splits = splits;
  showValues(chart);
  return chart;
}

const format = (v) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toPrecision(4) : v.toExponential(2));

/** Each split's value beside the chart's title: at the cursor's step, else the latest one. */
function showValues(chart) {
  const card = chart.root.parentElement;
  const [xs, ...ys] = chart.data;
  const idx = chart.cursor.idx;
  const at = (y) => {
    if (idx !== null && idx !== undefined) return y[idx];
    for (let i = y.length - 1; i >= 0; i--) if (y[i] !== null) return y[i];
    return null;
  };
  const x = idx !== null && idx !== undefined ? xs[idx] : xs[xs.length - 1];
  const parts = chart.splits.map((split, i) => {
    const v = at(ys[i]);
    return el(
      "span",
      { className: "value", title: split },
      el("i", { style: `background:${COLORS[split] ?? "#6b7280"}` }),
      v === null || v === undefined ? "–" : format(v),
    );
  });
  const head = x === undefined ? [] : [el("span", { textContent: `${chart.axis} ${x}` })];
  card.querySelector(".latest").replaceChildren(...head, ...parts);
  card.dataset.epochs = String(xs.length);
}

function drawDirty() {
  for (const metric of state.dirty) {
    const bySplit = state.metrics[metric];
    if (!bySplit) continue;
    const splits = chartSplits(bySplit);
    let chart = state.charts.get(metric);
    if (chart && chart.splits.join() !== splits.join()) {
      chart.root.parentElement.remove();
      chart.destroy();
      chart = undefined;
    }
    if (chart) {
      chart.setData(columns(metric, bySplit, splits));
      showValues(chart);
    } else {
      const container = TRAINING_METRICS.includes(metric) ? $("training-charts") : $("charts");
      state.charts.set(metric, makeChart(metric, splits, container));
    }
  }
  state.dirty.clear();
}

function addPoints(points, replay = false) {
  if (!replay) state.pushedDuringLoad?.push(...points);
  for (const { run, split, metric, step, wallTime, value, axis } of points) {
    const summary = state.runs.find((r) => r.name === run);
    const epoch = axis === "epoch";
    if (epoch && summary && (summary.lastStep === null || step > summary.lastStep)) {
      Object.assign(summary, { lastStep: step, lastWallTime: wallTime });
    }
    if (run !== state.selected) continue;
    state.axes[metric] ??= axis;
    const series = ((state.metrics[metric] ??= {})[split] ??= []);
    // Steps only grow between resets (which reload): an older step is already in the snapshot.
    if (series.length > 0 && series[series.length - 1].step >= step) continue;
    series.push({ step, wallTime, value });
    state.dirty.add(metric);
  }
  renderRunList();
  requestAnimationFrame(drawDirty);
}

window.addEventListener("resize", () => {
  for (const chart of state.charts.values()) {
    chart.setSize({ width: Math.max(240, chart.root.parentElement.clientWidth - 24), height: 200 });
  }
});

// ---- diagnosis, model graph, histograms --------------------------------------------------------

async function loadDiagnosis() {
  const run = state.selected;
  const { diagnosis, note } = await api(`${runPath(run)}/diagnosis`);
  if (run !== state.selected) return;
  const box = $("diagnosis");
  box.className = `diagnosis ${diagnosis ? diagnosis.kind : "unavailable"}`;
  box.replaceChildren(
    el("strong", { textContent: diagnosis ? READINGS[diagnosis.kind] : "Diagnosis" }),
    el("span", { textContent: diagnosis ? diagnosis.message : note }),
  );
}

async function loadGraph() {
  const run = state.selected;
  const { svg, message } = await api(`${runPath(run)}/graph`);
  if (run !== state.selected) return;
  const box = $("graph");
  if (svg)
    box.innerHTML = svg; // rendered by Graphviz on the server from the run's model config
  else box.replaceChildren(el("p", { className: "muted", textContent: message }));
}

async function loadHistograms() {
  const run = state.selected;
  const { histograms } = await api(`${runPath(run)}/histograms`);
  if (run !== state.selected) return;
  const box = $("histograms");
  for (const old of box.querySelectorAll(".chart")) old.uplot?.destroy();
  box.replaceChildren();
  const steps = [...new Set(histograms.map((h) => h.step))];
  $("hist-step").textContent = steps.length === 1 ? `(epoch ${steps[0] + 1})` : "";
  if (histograms.length === 0) {
    box.append(el("p", { className: "muted", textContent: "No weight histograms logged." }));
    return;
  }
  for (const { tag, step, buckets } of histograms) {
    const card = el("div", { className: "card chart" });
    // Keras tags weights `layer/weight/histogram`: the weight's name is enough here.
    const name = tag.replace(/\/histogram$/, "");
    card.append(el("h4", { textContent: name, title: `${tag}, epoch ${step + 1}` }));
    box.append(card);
    const x = buckets.map((b) => (b.left + b.right) / 2);
    const y = buckets.map((b) => b.count);
    card.uplot = new uPlot(
      {
        width: Math.max(200, card.clientWidth - 24),
        height: 130,
        scales: { x: { time: false } },
        legend: { show: false },
        cursor: { show: false },
        axes: [
          { size: 30, grid: { show: false } },
          { size: 44, grid: { stroke: "#eef0f3" } },
        ],
        series: [
          {},
          {
            fill: "rgba(37, 99, 235, 0.35)",
            stroke: COLORS.train,
            paths: uPlot.paths.bars({ size: [1, Infinity], gap: 0 }),
            points: { show: false },
          },
        ],
      },
      [x, y],
      card,
    );
  }
}

// ---- live updates ------------------------------------------------------------------------------

let reloadTimer = null;
/** Diagnosis, histograms and the run list change with the points: reload them, at most 4× a second. */
function scheduleReload(also) {
  for (const what of also) reloadTimer?.pending.add(what);
  if (reloadTimer) return;
  reloadTimer = { pending: new Set(also) };
  setTimeout(() => {
    const { pending } = reloadTimer;
    reloadTimer = null;
    loadRuns().catch(console.error);
    if (!state.selected) return;
    if (pending.has("scalars")) loadScalars().catch(console.error);
    if (pending.has("diagnosis")) loadDiagnosis().catch(console.error);
    if (pending.has("other")) {
      loadGraph().catch(console.error);
      loadHistograms().catch(console.error);
    }
  }, 250);
}

function connect() {
  const events = new EventSource("/api/events");
  let opened = false;
  events.addEventListener("open", () => {
    $("live").textContent = "live";
    $("live").className = "live on";
    // After a reconnect, reload what may have been missed.
    if (opened) scheduleReload(["scalars", "diagnosis", "other"]);
    opened = true;
  });
  events.addEventListener("error", () => {
    $("live").textContent = "reconnecting…";
    $("live").className = "live off";
  });
  events.addEventListener("update", (message) => {
    const { newRuns, points, resetRuns, changedRuns } = JSON.parse(message.data);
    const mine = (runs) => runs.includes(state.selected);
    const also = [];
    if (mine(resetRuns)) also.push("scalars");
    else addPoints(points);
    if (points.some((p) => p.run === state.selected)) also.push("diagnosis");
    if (mine(changedRuns)) also.push("other");
    if (newRuns.length > 0 || points.length > 0 || also.length > 0) scheduleReload(also);
  });
}

connect();
loadRuns().catch(console.error);

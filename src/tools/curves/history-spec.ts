/**
 * The Vega-Lite specification of `plotHistory`: one panel per metric (loss first), the training
 * and validation curves over the epochs, and the best epoch marked on the validation curve (the
 * training curve without one). Which value is best follows Keras's "auto" mode of EarlyStopping:
 * loss-like metrics are minimized, accuracy-like ones maximized; a metric whose name says
 * neither gets no mark. Pure data: rendering is in render.ts.
 */
import { ValueError } from "../../errors.js";
import { resolveMode } from "../../train/callbacks/monitor.js";
import type { HistoryLike } from "../../train/diagnose.js";

const TRAIN = "training";
const VALIDATION = "validation";
const COLORS = ["#1f77b4", "#ff7f0e"];
const WIDTH = 360;
const LABEL_SIZE = 11;
/** The font Strata's plots use (loaded from the system's DejaVu files for PNG). */
export const PLOT_FONT = "DejaVu Sans";

/** The best epoch of one panel. */
export interface BestEpoch {
  metric: string;
  /** 0-based index into the curves. */
  index: number;
  /** The epoch as the progress bar counts it (1-based, from `history.epoch` when given). */
  epoch: number;
  value: number;
  split: typeof TRAIN | typeof VALIDATION;
  mode: "min" | "max";
}

export interface HistoryPanels {
  metrics: string[];
  best: BestEpoch[];
  spec: Record<string, unknown>;
}

function recordOf(history: HistoryLike): Readonly<Record<string, readonly number[]>> {
  const h = (history as { history?: unknown } | null)?.history;
  const record = h !== undefined && !Array.isArray(h) ? h : history;
  if (record === null || typeof record !== "object")
    throw new ValueError(
      `plotHistory: expected a History (fit's result) or its history record; received ${record === null ? "null" : typeof record}`,
    );
  return record as Readonly<Record<string, readonly number[]>>;
}

/** The metrics to draw: `metrics` as given (checked), or every training metric, loss first. */
function chooseMetrics(
  record: Readonly<Record<string, readonly number[]>>,
  metrics: readonly string[] | undefined,
): string[] {
  const names = Object.keys(record).filter((k) => !k.startsWith("val_"));
  if (metrics !== undefined) {
    if (!Array.isArray(metrics) || metrics.length === 0)
      throw new ValueError(
        `plotHistory: metrics must be a non-empty array of metric names; received ${JSON.stringify(metrics)}`,
      );
    for (const m of metrics)
      if (record[m] === undefined && record[`val_${m}`] === undefined)
        throw new ValueError(
          `plotHistory: the history has no metric "${m}"; it has ${names.join(", ") || "none"}`,
        );
    return [...metrics];
  }
  // The learning rate (logged by ReduceLROnPlateau) has no validation curve: drawn only when asked.
  const chosen = names.filter((k) => k !== "learning_rate" && k !== "lr");
  chosen.sort((a, b) => Number(b === "loss") - Number(a === "loss"));
  if (chosen.length === 0)
    throw new ValueError("plotHistory: the history holds no metrics to plot (no epochs were run?)");
  return chosen;
}

function modeOf(metric: string): "min" | "max" | null {
  try {
    return resolveMode("auto", metric, null, "plotHistory");
  } catch {
    return null;
  }
}

function bestOf(
  metric: string,
  values: readonly number[],
  split: BestEpoch["split"],
  epochs: readonly number[],
): BestEpoch | null {
  const mode = modeOf(metric);
  if (mode === null) return null;
  let index = -1;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (index < 0 || (mode === "min" ? v < values[index]! : v > values[index]!)) index = i;
  });
  if (index < 0) return null;
  return { metric, index, epoch: epochs[index]! + 1, value: values[index]!, split, mode };
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3));

function panel(
  metric: string,
  record: Readonly<Record<string, readonly number[]>>,
  epochs: readonly number[],
): { spec: Record<string, unknown>; best: BestEpoch | null } {
  const rows: { epoch: number; value: number | null; split: string }[] = [];
  const add = (values: readonly number[] | undefined, split: string) =>
    values?.forEach((v, i) => {
      if (typeof v !== "number")
        throw new ValueError(`plotHistory: history "${metric}" must hold numbers`);
      rows.push({ epoch: epochs[i]! + 1, value: Number.isFinite(v) ? v : null, split });
    });
  add(record[metric], TRAIN);
  const val = record[`val_${metric}`];
  add(val, VALIDATION);
  const best = val
    ? bestOf(metric, val, VALIDATION, epochs)
    : bestOf(metric, record[metric] ?? [], TRAIN, epochs);
  const x = {
    field: "epoch",
    type: "quantitative",
    title: "epoch",
    axis: { tickMinStep: 1, format: "d" },
    scale: { domainMin: 1 },
  };
  const layer: Record<string, unknown>[] = [
    {
      data: { values: rows },
      mark: { type: "line", point: { size: 20 }, strokeWidth: 2 },
      encoding: {
        x,
        y: {
          field: "value",
          type: "quantitative",
          title: metric,
          scale: { zero: false, padding: 8 },
        },
        color: {
          field: "split",
          type: "nominal",
          title: null,
          scale: { domain: [TRAIN, VALIDATION], range: COLORS },
          legend: { orient: "top", direction: "horizontal" },
        },
      },
    },
  ];
  if (best) {
    // Left of the mark when it would run past the panel's right edge (DejaVu Sans averages about
    // 0.62 em a character).
    const label = `best: epoch ${best.epoch}, ${fmt(best.value)}`;
    const x0 = epochs.length > 1 ? (best.index / (epochs.length - 1)) * WIDTH : 0;
    const right = x0 + 6 + label.length * 0.62 * LABEL_SIZE > WIDTH;
    const at = { data: { values: [{ epoch: best.epoch, value: best.value, label }] } };
    layer.push(
      {
        ...at,
        name: `best_rule_${metric}`,
        mark: { type: "rule", strokeDash: [4, 3], color: "#555555" },
        encoding: { x },
      },
      {
        ...at,
        name: `best_point_${metric}`,
        mark: {
          type: "point",
          shape: "circle",
          size: 140,
          filled: false,
          strokeWidth: 2.5,
          color: "#d62728",
        },
        encoding: { x, y: { field: "value", type: "quantitative" } },
      },
      {
        ...at,
        name: `best_label_${metric}`,
        mark: {
          type: "text",
          align: right ? "right" : "left",
          baseline: "bottom",
          dx: right ? -6 : 6,
          dy: -6,
          fontSize: LABEL_SIZE,
          color: "#d62728",
        },
        encoding: { x, y: { field: "value", type: "quantitative" }, text: { field: "label" } },
      },
    );
  }
  return { spec: { title: metric, width: WIDTH, height: 220, layer }, best };
}

/** The specification and best epochs for `history`; see the file comment. */
export function historyPanels(history: HistoryLike, metrics?: readonly string[]): HistoryPanels {
  const record = recordOf(history);
  const chosen = chooseMetrics(record, metrics);
  const length = Math.max(...chosen.map((m) => record[m]?.length ?? record[`val_${m}`]!.length));
  const given = (history as { epoch?: unknown }).epoch;
  const epochs =
    Array.isArray(given) && given.length >= length
      ? (given as number[])
      : Array.from({ length }, (_, i) => i);
  const panels = chosen.map((m) => panel(m, record, epochs));
  return {
    metrics: chosen,
    best: panels.flatMap((p) => (p.best ? [p.best] : [])),
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      background: "white",
      padding: 12,
      config: {
        font: PLOT_FONT,
        title: { fontSize: 14, anchor: "start", frame: "group" },
        axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e8e8e8" },
        // The top label inside the plot, so every panel's title sits at the same height.
        axisY: { labelFlush: true },
        legend: { labelFontSize: 12 },
      },
      columns: Math.min(chosen.length, 2),
      concat: panels.map((p) => p.spec),
    },
  };
}

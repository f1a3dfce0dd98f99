/**
 * Everything the dashboard knows about one run (a directory holding `train/` and `validation/`
 * event files): its scalars per split and tag, the latest histogram of every weight, the model's
 * config, and the views the page shows: one series per metric (Keras's `epoch_loss` becomes
 * `loss`, train and validation side by side), the time each epoch took, and the run as a Keras
 * History (`{loss, val_loss, …}`) for the diagnosis.
 */
import type { BoardEvent, Bucket, HistogramEvent } from "./board-events.js";

export interface Point {
  step: number;
  wallTime: number;
  value: number;
}

/** A new point as the page receives it: which run, split and metric it extends. */
export interface MetricPoint extends Point {
  run: string;
  split: string;
  metric: string;
  /** What the step counts. */
  axis: StepAxis;
}

/** What adding events changed: new points to push, or `reset` when steps were rewritten. */
export interface RunChange {
  points: MetricPoint[];
  reset: boolean;
  /** Histograms or the model config changed. */
  other: boolean;
}

export interface RunSummary {
  name: string;
  splits: string[];
  metrics: string[];
  /** The last epoch logged, and when; null before the first epoch's scalars. */
  lastStep: number | null;
  lastWallTime: number | null;
}

export interface LatestHistogram {
  tag: string;
  step: number;
  buckets: Bucket[];
}

/** Derived metric: seconds between consecutive epochs' train scalars (the first from the start). */
export const EPOCH_TIME = "epoch_time";

/**
 * What a scalar's step counts, from Keras's tags: epochs (`epoch_loss`), training batches
 * (`batch_loss`, with updateFreq), optimizer iterations (`evaluation_loss_vs_iterations`).
 */
export type StepAxis = "epoch" | "batch" | "iteration" | "step";

export function stepAxis(tag: string): StepAxis {
  if (tag.startsWith("epoch_")) return "epoch";
  if (tag.startsWith("batch_")) return "batch";
  if (tag.endsWith("_vs_iterations")) return "iteration";
  return "step";
}

/** Keras's TensorBoard callback prefixes per-epoch scalars with `epoch_`; the page shows the name. */
export function metricName(tag: string): string {
  return tag.startsWith("epoch_") ? tag.slice("epoch_".length) : tag;
}

export class RunData {
  private readonly scalars = new Map<string, Map<string, Point[]>>();
  private readonly histograms = new Map<string, HistogramEvent>();
  /** Wall time of the first train scalar at each epoch step, for the epoch times. */
  private readonly epochWall = new Map<number, number>();
  private startWallTime = Infinity;
  /** The model's Keras config (parsed JSON) when the run logged one. */
  modelConfig: unknown = null;

  constructor(readonly name: string) {}

  /** Adds one file's new events (from `split`) and says what the page must be told. */
  add(split: string, events: readonly BoardEvent[]): RunChange {
    const change: RunChange = { points: [], reset: false, other: false };
    for (const event of events) {
      switch (event.kind) {
        case "start":
          this.startWallTime = Math.min(this.startWallTime, event.wallTime);
          break;
        case "scalar":
          this.addScalar(split, event.tag, event, change);
          break;
        case "histogram": {
          const old = this.histograms.get(event.tag);
          if (!old || event.step >= old.step) this.histograms.set(event.tag, event);
          change.other = true;
          break;
        }
        case "model":
          if (JSON.stringify(this.modelConfig) !== JSON.stringify(event.config))
            change.other = true;
          this.modelConfig = event.config;
          break;
      }
    }
    return change;
  }

  private addScalar(split: string, tag: string, p: Point, change: RunChange): void {
    const byTag = this.scalars.get(split) ?? new Map<string, Point[]>();
    this.scalars.set(split, byTag);
    const series = byTag.get(tag) ?? [];
    byTag.set(tag, series);
    const last = series[series.length - 1];
    const point = { step: p.step, wallTime: p.wallTime, value: p.value };
    if (last && p.step <= last.step) {
      // A restarted run rewrites its steps: keep what came before, as TensorBoard purges orphans.
      series.splice(series.findIndex((q) => q.step >= p.step));
      if (split === "train")
        for (const s of this.epochWall.keys()) if (s >= p.step) this.epochWall.delete(s);
      change.reset = true;
    }
    series.push(point);
    const axis = stepAxis(tag);
    change.points.push({ run: this.name, split, metric: metricName(tag), axis, ...point });
    if (split === "train" && axis === "epoch" && !this.epochWall.has(p.step)) {
      this.epochWall.set(p.step, p.wallTime);
      const seconds = this.epochSeconds(p.step);
      if (seconds !== null) {
        change.points.push({
          run: this.name,
          split,
          metric: EPOCH_TIME,
          axis: "epoch",
          step: p.step,
          wallTime: p.wallTime,
          value: seconds,
        });
      }
    }
  }

  /** Seconds from the previous epoch's train scalars (or the writer's start) to this epoch's. */
  private epochSeconds(step: number): number | null {
    const wall = this.epochWall.get(step);
    if (wall === undefined) return null;
    let previous = -Infinity;
    for (const s of this.epochWall.keys()) if (s < step && s > previous) previous = s;
    const from = previous === -Infinity ? this.startWallTime : this.epochWall.get(previous)!;
    return Number.isFinite(from) && wall >= from ? wall - from : null;
  }

  /** Every metric's series by split, epoch times included: `{loss: {train: […], validation: […]}}`. */
  metrics(): Record<string, Record<string, Point[]>> {
    const out: Record<string, Record<string, Point[]>> = {};
    for (const [split, byTag] of this.scalars) {
      for (const [tag, series] of byTag) (out[metricName(tag)] ??= {})[split] = [...series];
    }
    const times = this.epochTimes();
    if (times.length > 0) out[EPOCH_TIME] = { train: times };
    return out;
  }

  /** Seconds per epoch, in epoch order. */
  private epochTimes(): Point[] {
    const times: Point[] = [];
    for (const step of [...this.epochWall.keys()].sort((a, b) => a - b)) {
      const value = this.epochSeconds(step);
      if (value !== null) times.push({ step, wallTime: this.epochWall.get(step)!, value });
    }
    return times;
  }

  /** What each metric's steps count (`metrics()`'s keys). */
  axes(): Record<string, StepAxis> {
    const out: Record<string, StepAxis> = {};
    for (const byTag of this.scalars.values()) {
      for (const tag of byTag.keys()) out[metricName(tag)] = stepAxis(tag);
    }
    if (this.epochTimes().length > 0) out[EPOCH_TIME] = "epoch";
    return out;
  }

  /**
   * The run as a Keras History: `history` holds train metrics by name and validation ones as
   * `val_…`; `epoch` the epoch numbers (the steps of the training loss).
   */
  history(): { history: Record<string, number[]>; epoch: number[] } {
    const history: Record<string, number[]> = {};
    for (const [split, byTag] of this.scalars) {
      if (split !== "train" && split !== "validation") continue;
      for (const [tag, series] of byTag) {
        if (!tag.startsWith("epoch_")) continue;
        const name = (split === "validation" ? "val_" : "") + metricName(tag);
        history[name] = series.map((p) => p.value);
      }
    }
    const loss = this.scalars.get("train")?.get("epoch_loss") ?? [];
    return { history, epoch: loss.map((p) => p.step) };
  }

  /** The latest histogram of every weight, in tag order. */
  latestHistograms(): LatestHistogram[] {
    return [...this.histograms.values()]
      .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
      .map(({ tag, step, buckets }) => ({ tag, step, buckets }));
  }

  summary(): RunSummary {
    let lastStep: number | null = null;
    let lastWallTime: number | null = null;
    const metrics = new Set<string>();
    for (const byTag of this.scalars.values()) {
      for (const [tag, series] of byTag) {
        metrics.add(metricName(tag));
        const last = series[series.length - 1];
        if (!tag.startsWith("epoch_")) continue;
        if (last && (lastStep === null || last.step > lastStep)) lastStep = last.step;
        if (last && (lastWallTime === null || last.wallTime > lastWallTime)) {
          lastWallTime = last.wallTime;
        }
      }
    }
    return {
      name: this.name,
      splits: [...this.scalars.keys()].sort(),
      metrics: [...metrics].sort(),
      lastStep,
      lastWallTime,
    };
  }
}

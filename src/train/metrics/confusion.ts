import type { Variable } from "../../autodiff/variable.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { uniqueName } from "../../layers/layer.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { add, cast } from "../../ops/elementwise.js";
import { broadcastTo, expandDims, reshape } from "../../ops/movement.js";
import { tensor } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON, squeezeOrExpandToSameRank } from "../losses/loss.js";
import { Metric, type MetricOptions, updating } from "./metric.js";

/** Keras's stand-in for −∞: predictions outside the top k are set to it. */
export const NEG_INF = -1e10;

export interface ConfusionVariables {
  tp?: Variable;
  fp?: Variable;
  tn?: Variable;
  fn?: Variable;
}

export interface ConfusionOptions {
  thresholds: readonly number[];
  /** Thresholds are i/(n−1) (plus ±ε ends): one bucket pass instead of one pass per threshold. */
  evenly: boolean;
  topK?: number | null;
  classId?: number | null;
  sampleWeight?: Tensor | null;
  /** Count each label (last axis of a [batch, labels] y_pred) separately: variables [thresholds, labels]. */
  multiLabel?: boolean;
  /** Per-label weights applied to the counts (flattened, non-multi-label data only). */
  labelWeights?: readonly number[] | null;
  dtype: DType;
  where: string;
}

/** Keras's `parse_init_thresholds`: a number or a list, each in [0, 1]. */
export function parseThresholds(thresholds: unknown, fallback: number, where: string): number[] {
  const list =
    thresholds === null || thresholds === undefined
      ? [fallback]
      : Array.isArray(thresholds)
        ? (thresholds as unknown[])
        : [thresholds];
  if (thresholds !== null && thresholds !== undefined) {
    const bad = list.filter((t) => typeof t !== "number" || !(t >= 0 && t <= 1));
    if (bad.length || list.length === 0) {
      throw new ValueError(
        `${where}: threshold values must be in [0, 1]; received thresholds=${JSON.stringify(thresholds)}`,
      );
    }
  }
  return list as number[];
}

/** Keras's `is_evenly_distributed_thresholds`: allclose(t, i/(n−1)) for n ≥ 3. */
export function isEvenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => {
    const even = Math.fround(i / (n - 1));
    return Math.abs(t - even) <= EPSILON + 1e-5 * Math.abs(even);
  });
}

/** Keeps the k largest entries of each row (ties: the lower index first), the rest become NEG_INF. */
function filterTopK(x: Tensor, k: number): Float64Array {
  const n = x.shape[x.rank - 1]!;
  const out = new Float64Array(x.size).fill(NEG_INF);
  const order = Array.from({ length: n }, (_, i) => i);
  const values = x.dataSync();
  for (let r = 0; r < x.size / n; r++) {
    const row = (i: number): number => Number(values[r * n + i]);
    order.sort((a, b) => row(b) - row(a) || a - b);
    for (let j = 0; j < Math.min(k, n); j++) out[r * n + order[j]!] = row(order[j]!);
  }
  return out;
}

/**
 * Keras's `update_confusion_matrix_variables`: for every (label, prediction, weight) and every
 * threshold t, the prediction is positive when p > t; the weighted counts of true/false
 * positives/negatives are added to the given variables.
 */
export function updateConfusionMatrix(
  vars: ConfusionVariables,
  yTrue: TensorLike,
  yPred: TensorLike,
  opts: ConfusionOptions,
): void {
  const { thresholds, dtype, where } = opts;
  const f = dtype === "float32" ? Math.fround : (x: number): number => x;
  const [p, t] = squeezeOrExpandToSameRank(
    cast(asTensor(yPred), dtype),
    cast(asTensor(yTrue), dtype),
  );
  if (p.rank !== t.rank || p.shape.some((d, i) => d !== t.shape[i])) {
    throw new ShapeError(
      `${where}: y_true and y_pred must have the same shape; received ` +
        `y_true.shape=${fmtShape(asTensor(yTrue).shape)}, y_pred.shape=${fmtShape(asTensor(yPred).shape)}`,
    );
  }
  let sw: Tensor | null = null;
  if (opts.sampleWeight) {
    const w = expandDims(cast(opts.sampleWeight, dtype), -1);
    const aligned = squeezeOrExpandToSameRank(t, w, false)[1];
    try {
      sw = broadcastTo(aligned, p.shape);
    } catch {
      throw new ShapeError(
        `${where}: sample_weight of shape ${fmtShape(opts.sampleWeight.shape)} does not broadcast ` +
          `to y_pred's shape ${fmtShape(p.shape)}`,
      );
    }
  }
  let preds: ArrayLike<number> = opts.topK ? filterTopK(p, opts.topK) : p.dataSync();
  let labels: ArrayLike<number> = t.dataSync();
  let weights: ArrayLike<number> | null = sw ? sw.dataSync() : null;
  let shape = p.shape;
  if (opts.classId !== null && opts.classId !== undefined) {
    const c = opts.classId;
    const n = p.shape[p.rank - 1]!;
    if (p.rank < 2) {
      throw new ValueError(
        `${where}: when class_id is given, y_pred must have shape (num_samples, num_classes); ` +
          `received y_pred.shape=${fmtShape(p.shape)}`,
      );
    }
    if (!(Number.isInteger(c) && c >= 0 && c < n)) {
      throw new ValueError(`${where}: class_id must be in [0, ${n}); received class_id=${c}`);
    }
    const column = (a: ArrayLike<number>): Float64Array =>
      Float64Array.from({ length: a.length / n }, (_, r) => a[r * n + c]!);
    preds = column(preds);
    labels = column(labels);
    weights = weights ? column(weights) : null;
    shape = [...p.shape.slice(0, -1), 1];
  }
  const multi = opts.multiLabel ?? false;
  if (multi && shape.length !== 2) {
    throw new ShapeError(
      `${where}: with multi_label, y_pred must have rank 2; received y_pred.shape=${fmtShape(shape)}`,
    );
  }
  const numLabels = multi ? shape[1]! : 1;
  const lw = opts.labelWeights && !multi ? opts.labelWeights : null;
  const lastDim = shape[shape.length - 1] ?? 1;
  const T = thresholds.length;
  const thr = thresholds.map(f);
  const tp = new Float64Array(T * numLabels);
  const fp = new Float64Array(T * numLabels);
  const totalTrue = new Float64Array(numLabels);
  const totalFalse = new Float64Array(numLabels);
  const withEpsilon = thresholds[0]! < 0 || thresholds[T - 1]! > 1;
  for (let i = 0; i < preds.length; i++) {
    const l = multi ? i % numLabels : 0;
    let w = weights ? weights[i]! : 1;
    if (lw) w *= lw[i % lastDim] ?? 1;
    const isTrue = labels[i] !== 0;
    if (isTrue) totalTrue[l]! += w;
    else totalFalse[l]! += w;
    const pi = f(preds[i]!);
    const acc = isTrue ? tp : fp;
    if (opts.evenly) {
      // Bucket b = ceil(p·(T−1)) − 1 counts p at thresholds 0 … b (p > i/(T−1) ⟺ i ≤ b); the
      // reverse cumulative sum below turns bucket counts into per-threshold counts.
      if (Number.isNaN(pi)) continue;
      const clipped = Math.min(Math.max(pi, 0), 1);
      let b = Math.ceil(f(clipped * (T - 1))) - 1;
      if (withEpsilon) b = Math.max(b, 0);
      if (b >= 0) acc[Math.min(b, T - 1) * numLabels + l]! += w;
    } else {
      for (let k = 0; k < T; k++) if (pi > thr[k]!) acc[k * numLabels + l]! += w;
    }
  }
  if (opts.evenly) {
    for (let k = T - 2; k >= 0; k--) {
      for (let l = 0; l < numLabels; l++) {
        tp[k * numLabels + l]! += tp[(k + 1) * numLabels + l]!;
        fp[k * numLabels + l]! += fp[(k + 1) * numLabels + l]!;
      }
    }
  }
  const varShape = multi ? [T, numLabels] : [T];
  const bump = (v: Variable | undefined, values: (k: number, l: number) => number): void => {
    if (!v) return;
    const delta = Array.from({ length: T * numLabels }, (_, i) =>
      values(Math.floor(i / numLabels), i % numLabels),
    );
    v.assign(add(v.value, tensor(delta, varShape, v.dtype)));
  };
  bump(vars.tp, (k, l) => tp[k * numLabels + l]!);
  bump(vars.fp, (k, l) => fp[k * numLabels + l]!);
  bump(vars.tn, (k, l) => totalFalse[l]! - fp[k * numLabels + l]!);
  bump(vars.fn, (k, l) => totalTrue[l]! - tp[k * numLabels + l]!);
}

/** a / b elementwise, 0 where b is 0 (Keras's divide_no_nan). */
export function divideNoNan(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return Array.from({ length: a.length }, (_, i) => (b[i] === 0 ? 0 : a[i]! / b[i]!));
}

function optional(x: TensorLike | null | undefined): Tensor | null {
  return x === null || x === undefined ? null : asTensor(x);
}

export interface ThresholdOptions extends MetricOptions {
  /** A threshold in [0, 1] or a list of them (one result per threshold); default 0.5. */
  thresholds?: number | number[] | null;
}

type Condition = "tp" | "fp" | "tn" | "fn";

/** Weighted count of one confusion-matrix cell (Keras `_ConfusionMatrixConditionCount`). */
abstract class ConditionCount extends Metric {
  readonly thresholds: number[];
  private readonly initThresholds: number | number[] | null;
  private readonly evenly: boolean;
  private readonly accumulator: Variable;

  constructor(
    private readonly condition: Condition,
    prefix: string,
    opts: ThresholdOptions,
  ) {
    super({ ...opts, name: opts.name ?? uniqueName(prefix) });
    this.initThresholds = opts.thresholds ?? null;
    this.thresholds = parseThresholds(opts.thresholds, 0.5, this.name);
    this.evenly = isEvenlyDistributed(this.thresholds);
    this.accumulator = this.addVariable([this.thresholds.length], "accumulator");
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() =>
      updateConfusionMatrix({ [this.condition]: this.accumulator }, yTrue, yPred, {
        thresholds: this.thresholds,
        evenly: this.evenly,
        sampleWeight: optional(sampleWeight),
        dtype: this.dtype,
        where: this.name,
      }),
    );
  }

  result(): Tensor {
    const v = this.accumulator.value;
    return this.thresholds.length === 1 ? reshape(v, []) : v;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds };
  }
}

export class TruePositives extends ConditionCount {
  constructor(opts: ThresholdOptions = {}) {
    super("tp", "true_positives", opts);
  }
}
export class FalsePositives extends ConditionCount {
  constructor(opts: ThresholdOptions = {}) {
    super("fp", "false_positives", opts);
  }
}
export class TrueNegatives extends ConditionCount {
  constructor(opts: ThresholdOptions = {}) {
    super("tn", "true_negatives", opts);
  }
}
export class FalseNegatives extends ConditionCount {
  constructor(opts: ThresholdOptions = {}) {
    super("fn", "false_negatives", opts);
  }
}

export interface PrecisionRecallOptions extends ThresholdOptions {
  /** Only the k highest predictions of each row count as positive. */
  topK?: number | null;
  /** Binary metric for this one class (last axis of y_pred). */
  classId?: number | null;
}

/** Shared state of Precision and Recall: true positives plus false positives or negatives. */
abstract class PrecisionRecallBase extends Metric {
  readonly thresholds: number[];
  readonly topK: number | null;
  readonly classId: number | null;
  protected readonly truePositives: Variable;
  protected readonly other: Variable;
  private readonly initThresholds: number | number[] | null;
  private readonly evenly: boolean;

  constructor(
    private readonly otherCondition: "fp" | "fn",
    prefix: string,
    opts: PrecisionRecallOptions,
  ) {
    super({ ...opts, name: opts.name ?? uniqueName(prefix) });
    this.direction = "up";
    this.initThresholds = opts.thresholds ?? null;
    this.topK = opts.topK ?? null;
    this.classId = opts.classId ?? null;
    if (this.topK !== null && !(Number.isInteger(this.topK) && this.topK > 0)) {
      throw new ValueError(
        `${this.name}: top_k must be a positive integer; received top_k=${String(this.topK)}`,
      );
    }
    // With top_k and no thresholds, every kept prediction (> NEG_INF) is positive.
    this.thresholds = parseThresholds(
      opts.thresholds,
      this.topK === null ? 0.5 : NEG_INF,
      this.name,
    );
    this.evenly = isEvenlyDistributed(this.thresholds);
    this.truePositives = this.addVariable([this.thresholds.length], "true_positives");
    this.other = this.addVariable(
      [this.thresholds.length],
      otherCondition === "fp" ? "false_positives" : "false_negatives",
    );
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() =>
      updateConfusionMatrix(
        { tp: this.truePositives, [this.otherCondition]: this.other },
        yTrue,
        yPred,
        {
          thresholds: this.thresholds,
          evenly: this.evenly,
          topK: this.topK,
          classId: this.classId,
          sampleWeight: optional(sampleWeight),
          dtype: this.dtype,
          where: this.name,
        },
      ),
    );
  }

  /** tp / (tp + other), 0 where nothing was counted; a scalar for a single threshold. */
  result(): Tensor {
    const tp = this.truePositives.value.dataSync();
    const other = this.other.value.dataSync();
    const r = divideNoNan(
      tp,
      Array.from(tp, (v, i) => v + other[i]!),
    );
    return r.length === 1 ? tensor(r[0]!, [], this.dtype) : tensor(r, [r.length], this.dtype);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      thresholds: this.initThresholds,
      top_k: this.topK,
      class_id: this.classId,
    };
  }
}

/** tp / (tp + fp): how many predicted positives are right (threshold 0.5 by default). */
export class Precision extends PrecisionRecallBase {
  constructor(opts: PrecisionRecallOptions = {}) {
    super("fp", "precision", opts);
  }
}

/** tp / (tp + fn): how many actual positives are found (threshold 0.5 by default). */
export class Recall extends PrecisionRecallBase {
  constructor(opts: PrecisionRecallOptions = {}) {
    super("fn", "recall", opts);
  }
}

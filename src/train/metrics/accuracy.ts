import { ValueError } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast, equal, greater } from "../../ops/elementwise.js";
import { reshape, squeeze } from "../../ops/movement.js";
import { argmax } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { squeezeOrExpandToSameRank } from "../losses/loss.js";
import type { MetricOptions } from "./metric.js";
import { MeanMetricWrapper } from "./reduction.js";

/**
 * 1 where y_true equals y_pred exactly, element by element (Keras 3: no mean over the last axis;
 * the metric classes average, so per-element sample weights apply).
 */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p0 = asTensor(yPred);
  const [t, p] = squeezeOrExpandToSameRank(cast(asTensor(yTrue), p0.dtype), p0);
  return cast(equal(t, p), "float32");
}

/** 1 where (y_pred > threshold) equals the 0/1 label, element by element (as Keras 3). */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike, threshold = 0.5): Tensor {
  const [t, p] = squeezeOrExpandToSameRank(asTensor(yTrue), asTensor(yPred));
  const predicted = cast(greater(p, threshold), t.dtype);
  return cast(equal(t, predicted), "float32");
}

/** 1 where argmax(y_pred) equals argmax(y_true) (one-hot labels); shape y_true.shape[:-1]. */
export function categoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  let t = argmax(asTensor(yTrue), -1);
  const p0 = asTensor(yPred);
  const tShape = t.shape;
  // Keras squeezes a trailing axis when the label indices still have y_pred's rank.
  const reshapeMatches = t.rank === p0.rank;
  if (reshapeMatches) t = squeeze(t, -1);
  const matches = cast(equal(t, argmax(p0, -1)), "float32");
  return reshapeMatches ? reshape(matches, tShape) : matches;
}

/** 1 where argmax(y_pred) equals the integer label; labels [batch] or [batch, 1]. */
export function sparseCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  let t = asTensor(yTrue);
  const p = asTensor(yPred);
  const tShape = t.shape;
  const reshapeMatches = t.rank === p.rank && t.shape[t.rank - 1] === 1;
  if (reshapeMatches) t = squeeze(t, -1);
  let matches = cast(equal(t, cast(argmax(p, -1), t.dtype)), "float32");
  if (reshapeMatches) matches = reshape(matches, tShape);
  if (matches.rank > 1 && matches.shape[matches.rank - 1] === 1) matches = squeeze(matches, -1);
  return matches;
}

/**
 * Keras `ops.in_top_k`: whether each target's score is among the k largest of its row, i.e.
 * fewer than k scores are strictly greater (ties at the k-th value count as in).
 */
export function inTopK(targets: Tensor, predictions: Tensor, k: number): Tensor {
  const n = predictions.shape[predictions.rank - 1]!;
  const rows = targets.size;
  if (predictions.size !== rows * n) {
    throw new ValueError(
      `inTopK: predictions must have one row of scores per target; received ${rows} targets ` +
        `for predictions of shape [${predictions.shape.join(",")}]`,
    );
  }
  const out = new Uint8Array(rows);
  const scores = predictions.dataSync();
  const labels = targets.dataSync();
  for (let r = 0; r < rows; r++) {
    const target = Math.trunc(Number(labels[r]));
    if (!(target >= 0 && target < n)) continue;
    const s = Number(scores[r * n + target]);
    if (Number.isNaN(s)) continue;
    let greaterCount = 0;
    for (let j = 0; j < n; j++) if (Number(scores[r * n + j]) > s) greaterCount++;
    out[r] = greaterCount < k ? 1 : 0;
  }
  return tensor(out, targets.shape);
}

function topKMatches(labels: Tensor, yPred: Tensor, k: number): Tensor {
  const p = yPred.rank > 2 ? reshape(yPred, [-1, yPred.shape[yPred.rank - 1]!]) : yPred;
  const t = labels.rank > 1 ? reshape(labels, [labels.size]) : labels;
  const matches = cast(inTopK(t, p, k), "float32");
  return labels.rank > 1 ? reshape(matches, labels.shape) : matches;
}

/** 1 where the one-hot label's class is among the k highest scores. */
export function topKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, k = 5): Tensor {
  return topKMatches(argmax(asTensor(yTrue), -1), asTensor(yPred), k);
}

/**
 * 1 where the integer label is among the k highest scores. With `fromSortedIds`, y_pred already
 * holds class ids sorted by score ([batch, ≥ k], as `ops.topK`'s indices): 1 where the label is
 * among the first k of its row.
 */
export function sparseTopKCategoricalAccuracy(
  yTrue: TensorLike,
  yPred: TensorLike,
  k = 5,
  fromSortedIds = false,
): Tensor {
  if (!fromSortedIds) return topKMatches(asTensor(yTrue), asTensor(yPred), k);
  const labels = asTensor(yTrue);
  const p0 = asTensor(yPred);
  const p = p0.rank > 2 ? reshape(p0, [-1, p0.shape[p0.rank - 1]!]) : p0;
  const n = p.shape[p.rank - 1]!;
  const ids = p.dataSync();
  const targets = labels.dataSync();
  const rows = labels.size;
  if (p.size !== rows * n) {
    throw new ValueError(
      `sparse_top_k_categorical_accuracy: y_pred must have one row of sorted ids per label; ` +
        `received ${rows} labels for y_pred of shape [${p0.shape.join(",")}]`,
    );
  }
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < Math.min(k, n); j++) {
      if (Number(ids[r * n + j]) === Number(targets[r])) out[r] = 1;
    }
  }
  return tensor(out, labels.rank > 1 ? labels.shape : [rows]);
}

// ------------------------------------------------------------------ classes

/** How often y_pred equals y_true exactly. */
export class Accuracy extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(accuracy, { ...opts, name: opts.name ?? "accuracy" });
    this.direction = "up";
  }
}

/** How often (y_pred > threshold) matches the 0/1 labels. */
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly threshold: number;
  constructor(opts: MetricOptions & { threshold?: number } = {}) {
    const threshold = opts.threshold ?? 0.5;
    // Keras takes any threshold (0 for logits is common); only a number makes sense.
    if (typeof threshold !== "number" || Number.isNaN(threshold)) {
      throw new ValueError(
        `BinaryAccuracy: threshold must be a number; received threshold=${String(threshold)}`,
      );
    }
    super((t, p) => binaryAccuracy(t, p, threshold), {
      ...opts,
      name: opts.name ?? "binary_accuracy",
    });
    this.threshold = threshold;
    this.direction = "up";
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

/** How often argmax(y_pred) matches one-hot labels. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(categoricalAccuracy, { ...opts, name: opts.name ?? "categorical_accuracy" });
    this.direction = "up";
  }
}

/** How often argmax(y_pred) matches integer labels. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  constructor(opts: MetricOptions = {}) {
    super(sparseCategoricalAccuracy, { ...opts, name: opts.name ?? "sparse_categorical_accuracy" });
    this.direction = "up";
  }
}

function checkK(where: string, k: unknown): number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1) {
    throw new ValueError(`${where}: k must be a positive integer; received k=${String(k)}`);
  }
  return k;
}

/** How often the one-hot label is among the top k predictions (k = 5). */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;
  constructor(opts: MetricOptions & { k?: number } = {}) {
    const k = checkK("TopKCategoricalAccuracy", opts.k ?? 5);
    super((t, p) => topKCategoricalAccuracy(t, p, k), {
      ...opts,
      name: opts.name ?? "top_k_categorical_accuracy",
    });
    this.k = k;
    this.direction = "up";
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

/** How often the integer label is among the top k predictions (k = 5). */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;
  /** y_pred holds class ids sorted by score (e.g. `ops.topK`'s indices) instead of scores. */
  readonly fromSortedIds: boolean;
  constructor(opts: MetricOptions & { k?: number; fromSortedIds?: boolean } = {}) {
    const k = checkK("SparseTopKCategoricalAccuracy", opts.k ?? 5);
    const fromSortedIds = opts.fromSortedIds ?? false;
    super((t, p) => sparseTopKCategoricalAccuracy(t, p, k, fromSortedIds), {
      ...opts,
      name: opts.name ?? "sparse_top_k_categorical_accuracy",
    });
    this.k = k;
    this.fromSortedIds = fromSortedIds;
    this.direction = "up";
  }
  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...super.getConfig(), k: this.k };
    // Keras writes the key only when it is set.
    if (this.fromSortedIds) config.from_sorted_ids = true;
    return config;
  }
}

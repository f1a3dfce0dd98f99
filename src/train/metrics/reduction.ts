import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { maskOf } from "../../layers/layer.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import {
  add,
  cast,
  divide,
  equal,
  multiply,
  sqrt,
  square,
  subtract,
  where,
} from "../../ops/elementwise.js";
import { zerosLike } from "../../tensor/creation.js";
import { broadcastTo } from "../../ops/movement.js";
import { mean, sum } from "../../ops/reduce.js";
import type { DType } from "../../tensor/dtype.js";
import { broadcastShapes } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { toSnakeCase } from "../../nn/serialization.js";
import { applyMask, lossMaskOf, squeezeOrExpandToSameRank } from "../losses/loss.js";
import { Metric, type MetricOptions, updating } from "./metric.js";

type ReduceFn = (x: Tensor, axis: number[]) => Tensor;

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(to - from, 0) }, (_, i) => from + i);
}

/**
 * Keras `reduce_to_samplewise_values`: brings values and sample weights to one value per sample.
 * Values with more axes than the weights are first reduced over the extra axes; weights are then
 * broadcast onto the values and multiplied in; finally both are reduced to [batch].
 */
export function reduceToSamplewiseValues(
  values: Tensor,
  sampleWeight: Tensor | null,
  reduceFn: ReduceFn,
  dtype: DType,
  where: string,
): [Tensor, Tensor | null] {
  const mask = lossMaskOf(values);
  let v = cast(values, dtype);
  let sw = sampleWeight;
  if (sw) {
    sw = cast(sw, dtype);
    if (mask) sw = applyMask(sw, mask, dtype, "sum")!;
    [v, sw] = squeezeOrExpandToSameRank(v, sw);
    if (v.rank > sw.rank) v = reduceFn(v, range(sw.rank, v.rank));
    try {
      broadcastShapes(sw.shape, v.shape, where);
      sw = broadcastTo(sw, v.shape);
    } catch {
      throw new ShapeError(
        `${where}: sample_weight of shape ${fmtShape(sampleWeight!.shape)} does not match ` +
          `the values of shape ${fmtShape(values.shape)}`,
      );
    }
    v = multiply(v, sw);
    if (sw.rank > 1) sw = reduceFn(sw, range(1, sw.rank));
  }
  if (v.rank > 1) v = reduceFn(v, range(1, v.rank));
  return [v, sw];
}

function optionalTensor(x: TensorLike | null | undefined): Tensor | null {
  return x === null || x === undefined ? null : asTensor(x);
}

/** Keras `metrics.Sum`: the (weighted) sum of all values seen. */
export class Sum extends Metric {
  protected readonly total;
  constructor(opts: MetricOptions = {}) {
    super({ ...opts, name: opts.name ?? "sum" });
    this.total = this.addVariable([], "total");
  }
  updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() => {
      const [v] = reduceToSamplewiseValues(
        asTensor(values),
        optionalTensor(sampleWeight),
        (x, axis) => sum(x, axis),
        this.dtype,
        this.name,
      );
      this.total.assign(add(this.total.value, sum(v)));
    });
  }
  result(): Tensor {
    return this.total.value;
  }
}

/**
 * Keras `metrics.Mean`: the (weighted) mean of all values seen, Σ w·v / Σ w; without weights every
 * sample counts 1 (a scalar value counts as one sample). The trainer tracks the loss with one.
 */
export class Mean extends Metric {
  protected readonly total;
  protected readonly count;
  constructor(opts: MetricOptions = {}) {
    super({ ...opts, name: opts.name ?? "mean" });
    this.total = this.addVariable([], "total");
    this.count = this.addVariable([], "count");
  }
  updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    updating(() => {
      const [v, sw] = reduceToSamplewiseValues(
        asTensor(values),
        optionalTensor(sampleWeight),
        (x, axis) => mean(x, axis),
        this.dtype,
        this.name,
      );
      this.total.assign(add(this.total.value, sum(v)));
      const n = sw ? sum(sw) : v.rank >= 1 ? v.shape[0]! : 1;
      this.count.assign(add(this.count.value, n));
    });
  }
  /** total / count, or 0 before any sample (Keras's divide_no_nan). */
  result(): Tensor {
    // Computed by kernels, without reading count back, so a compiled step can replay it.
    const count = this.count.value;
    return where(equal(count, 0), zerosLike(this.total.value), divide(this.total.value, count));
  }
}

/** A per-sample metric function `(yTrue, yPred) => values` (values of shape [batch] or [batch, …]). */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * Keras `MeanMetricWrapper`: the weighted mean of `fn(yTrue, yPred)` over all samples seen. A mask
 * on y_pred (from a masking layer) joins the sample weights.
 */
export class MeanMetricWrapper extends Mean {
  readonly fn: MetricFn;
  constructor(fn: MetricFn, opts: MetricOptions = {}) {
    if (typeof fn !== "function") {
      throw new ValueError(`MeanMetricWrapper: fn must be a function; received ${String(fn)}`);
    }
    super({ ...opts, name: opts.name ?? (fn.name ? toSnakeCase(fn.name) : "mean_metric_wrapper") });
    this.fn = fn;
  }
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: TensorLike | null,
  ): void {
    updating(() => {
      const p = asTensor(yPred);
      const values = this.fn(asTensor(yTrue), p);
      const sw = applyMask(optionalTensor(sampleWeight), maskOf(p), this.dtype, "sum");
      super.updateState(values, sw);
    });
  }
}

/** Keras `RootMeanSquaredError`: sqrt of the weighted mean of (y_pred − y_true)². */
export class RootMeanSquaredError extends Mean {
  constructor(opts: MetricOptions = {}) {
    super({ ...opts, name: opts.name ?? "root_mean_squared_error" });
    this.direction = "down";
  }
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: TensorLike | null,
  ): void {
    updating(() => {
      const [t, p] = squeezeOrExpandToSameRank(
        cast(asTensor(yTrue), this.dtype),
        cast(asTensor(yPred), this.dtype),
      );
      super.updateState(square(subtract(p, t)), sampleWeight);
    });
  }
  override result(): Tensor {
    return sqrt(super.result());
  }
}

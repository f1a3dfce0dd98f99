import { ShapeError, ValueError, checkOptionNames, fmtShape } from "../../errors.js";
import { maskOf } from "../../layers/layer.js";
import {
  type KerasObject,
  camelizeKeys,
  isKerasObject,
  snakeToCamel,
  toSnakeCase,
} from "../../nn/serialization.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { cast, divide, logicalAnd, multiply } from "../../ops/elementwise.js";
import { expandDims, reshape, squeeze } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import type { DType } from "../../tensor/dtype.js";
import { broadcastShapes, sizeOf } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { kerasEnvelope } from "../../nn/object-registration.js";

/** Keras `backend.epsilon()`: the fuzz factor that keeps logs and divisions finite (a live binding). */
export { EPSILON } from "../../tensor/config.js";

/** How `Loss.apply` reduces the per-sample losses (Keras `reduction`; `null` is Keras's `None`). */
export type Reduction =
  "sum_over_batch_size" | "sum" | "mean" | "mean_with_sample_weight" | "none" | null;

const REDUCTIONS: readonly Reduction[] = [
  "sum_over_batch_size",
  "sum",
  "mean",
  "mean_with_sample_weight",
  "none",
  null,
];

export function checkReduction(reduction: unknown, where: string): Reduction {
  if (!REDUCTIONS.includes(reduction as Reduction)) {
    throw new ValueError(
      `${where}: invalid reduction; expected one of ${REDUCTIONS.map((r) => JSON.stringify(r)).join(", ")}; ` +
        `received reduction=${JSON.stringify(reduction)}`,
    );
  }
  return reduction as Reduction;
}

/** A per-sample loss function: Keras's `fn(y_true, y_pred)` form. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface LossOptions {
  name?: string;
  reduction?: Reduction;
  /** Computation dtype; by default float32, or float64 when `yPred` is float64. */
  dtype?: DType | null;
}

// ------------------------------------------------------------------ masks on losses

/**
 * A loss function may mark which of its per-sample values count (Keras sets `_keras_mask` on the
 * result, e.g. sparse crossentropy with `ignore_class`); `Loss.apply` and the metrics honour it.
 */
const lossMasks = new WeakMap<Tensor, Tensor>();

export function setLossMask(values: Tensor, mask: Tensor): Tensor {
  lossMasks.set(values, mask);
  return values;
}

export function lossMaskOf(values: Tensor): Tensor | null {
  return lossMasks.get(values) ?? maskOf(values);
}

// ------------------------------------------------------------------ shape helpers

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by exactly one and the longer
 * one ends in a size-1 axis, that axis is squeezed (or, for a rank-1 partner, the partner is
 * expanded). So labels of shape [batch] meet predictions of shape [batch, 1].
 */
export function squeezeOrExpandToSameRank(
  x1: Tensor,
  x2: Tensor,
  expandRank1 = true,
): [Tensor, Tensor] {
  if (x1.rank === x2.rank) return [x1, x2];
  if (x1.rank === x2.rank + 1 && x1.shape[x1.rank - 1] === 1) {
    if (x2.rank === 1 && expandRank1) return [x1, expandDims(x2, -1)];
    return [squeeze(x1, -1), x2];
  }
  if (x2.rank === x1.rank + 1 && x2.shape[x2.rank - 1] === 1) {
    if (x1.rank === 1 && expandRank1) return [expandDims(x1, -1), x2];
    return [x1, squeeze(x2, -1)];
  }
  return [x1, x2];
}

/**
 * Throws the loss's own message when y_true and y_pred cannot broadcast together; the shapes
 * shown are the ones the caller passed (before any rank alignment).
 */
export function checkBroadcastable(
  where: string,
  yTrue: Tensor,
  yPred: Tensor,
  shown: [Tensor, Tensor] = [yTrue, yPred],
): void {
  try {
    broadcastShapes(yTrue.shape, yPred.shape, where);
  } catch {
    throw new ShapeError(
      `${where}: y_true and y_pred have incompatible shapes; received ` +
        `y_true.shape=${fmtShape(shown[0].shape)}, y_pred.shape=${fmtShape(shown[1].shape)}`,
    );
  }
}

/** Crossentropies compare element by element: the shapes must be equal. */
export function checkSameShape(
  where: string,
  yTrue: Tensor,
  yPred: Tensor,
  shown: [Tensor, Tensor] = [yTrue, yPred],
  hint = "",
): void {
  const same = yTrue.rank === yPred.rank && yTrue.shape.every((d, i) => d === yPred.shape[i]);
  if (!same) {
    throw new ShapeError(
      `${where}: y_true and y_pred must have the same shape; received ` +
        `y_true.shape=${fmtShape(shown[0].shape)}, y_pred.shape=${fmtShape(shown[1].shape)}${hint}`,
    );
  }
}

/** The float dtype a loss computes in: float64 inputs stay float64, everything else is float32. */
export function floatDtype(t: Tensor, requested?: DType | null): DType {
  if (requested) return requested;
  return t.dtype === "float64" ? "float64" : "float32";
}

/** y_pred as a float tensor and y_true cast to its dtype (Keras's `convert_to_tensor` pair). */
export function toFloatPair(
  yTrue: TensorLike,
  yPred: TensorLike,
  dtype?: DType | null,
): [Tensor, Tensor] {
  const p0 = asTensor(yPred);
  const p = cast(p0, floatDtype(p0, dtype));
  return [cast(asTensor(yTrue), p.dtype), p];
}

/** Float pair, rank-aligned (labels [batch] meet predictions [batch, 1]) and shape-checked. */
export function alignedPair(where: string, yTrue: TensorLike, yPred: TensorLike): [Tensor, Tensor] {
  const [t0, p0] = toFloatPair(yTrue, yPred);
  const [t, p] = squeezeOrExpandToSameRank(t0, p0);
  checkBroadcastable(where, t, p, [t0, p0]);
  return [t, p];
}

// ------------------------------------------------------------------ reduction

/**
 * Sample weights with fewer axes than the values they weigh apply per leading index: [batch]
 * weights scale every step of a [batch, steps] loss (trailing size-1 axes are added).
 */
function alignLeading(weights: Tensor, rank: number): Tensor {
  if (weights.rank >= rank) return weights;
  return reshape(weights, [...weights.shape, ...new Array<number>(rank - weights.rank).fill(1)]);
}

/**
 * Keras `apply_mask`: folds a mask into the sample weights. With a mean reduction the valid
 * entries are scaled by total/valid, so the mean runs over valid entries only:
 * Σ(loss·w·total/valid)/total = Σ(loss·w)/valid.
 */
export function applyMask(
  sampleWeight: Tensor | null,
  mask: Tensor | null,
  dtype: DType,
  reduction: Reduction,
): Tensor | null {
  if (!mask) return sampleWeight;
  let m = cast(mask, dtype);
  if (reduction === "mean" || reduction === "sum_over_batch_size") {
    const valid = Number(sum(m).item());
    m = multiply(m, valid === 0 ? 0 : m.size / valid);
  }
  if (!sampleWeight) return m;
  const [mm, sw] = squeezeOrExpandToSameRank(m, cast(sampleWeight, dtype));
  return multiply(alignLeading(sw, mm.rank), mm);
}

/** Keras `reduce_values`: sum, or sum divided by the element count (or by Σ weights). */
export function reduceValues(
  values: Tensor,
  sampleWeight: Tensor | null,
  reduction: Reduction,
): Tensor {
  if (reduction === null || reduction === "none" || values.rank === 0) return values;
  if (values.rank === 1 && values.shape[0] === 0) return values;
  const total = sum(values);
  if (reduction === "sum") return total;
  if (reduction === "mean_with_sample_weight" && sampleWeight) {
    const divisor = Number(sum(sampleWeight).item());
    return divisor === 0 ? multiply(total, 0) : divide(total, divisor);
  }
  const n = sizeOf(values.shape);
  return n > 0 ? divide(total, n) : multiply(total, 0);
}

/** Keras `reduce_weighted_values`: mask into weights, weights onto values, then the reduction. */
export function reduceWeightedValues(
  values: Tensor,
  sampleWeight: Tensor | null,
  mask: Tensor | null,
  reduction: Reduction,
  where: string,
): Tensor {
  let sw = applyMask(
    sampleWeight ? cast(sampleWeight, values.dtype) : null,
    mask,
    values.dtype,
    reduction,
  );
  let v = values;
  if (sw) {
    sw = cast(sw, v.dtype);
    [v, sw] = squeezeOrExpandToSameRank(v, sw);
    sw = alignLeading(sw, v.rank);
    try {
      broadcastShapes(v.shape, sw.shape, where);
    } catch {
      throw new ShapeError(
        `${where}: sample_weight of shape ${fmtShape(sampleWeight?.shape ?? sw.shape)} does not ` +
          `broadcast against the per-sample losses of shape ${fmtShape(values.shape)}`,
      );
    }
    v = multiply(v, sw);
  }
  return reduceValues(v, sw, reduction);
}

// ------------------------------------------------------------------ Loss

// ------------------------------------------------------------------ unknown options

/**
 * Keras raises on an unknown keyword argument to a loss. The built-in classes (losses/index.ts
 * marks them) have their options checked at first use against the config's keys (camelCased:
 * Keras's arguments and config keys are the same names), as layers are (layers/option-check.ts:
 * a base constructor cannot run after the subclass's). Losses rebuilt from configs, and user
 * subclasses, are not checked.
 */
const builtInLosses = new WeakSet<object>();
let fromConfigDepth = 0;

export function checkOptionsOfLosses(classes: Iterable<object>): void {
  for (const c of classes) builtInLosses.add(c);
}

/**
 * Keras's `Loss`: `call(yTrue, yPred)` gives per-sample losses; `apply` (Keras `__call__`) weighs
 * them by `sampleWeight`, honours masks, and reduces them ("sum_over_batch_size" by default:
 * the weighted sum divided by the number of per-sample values).
 */
export abstract class Loss {
  name: string;
  readonly reduction: Reduction;
  readonly dtype: DType | null;

  constructor(opts: LossOptions = {}) {
    this.name = opts.name ?? toSnakeCase(new.target.name);
    this.reduction = checkReduction(
      opts.reduction === undefined ? "sum_over_batch_size" : opts.reduction,
      this.name,
    );
    this.dtype = opts.dtype ?? null;
    const own = Object.keys(opts).some((k) => !["name", "reduction", "dtype"].includes(k));
    this.uncheckedOptions =
      own && fromConfigDepth === 0 && builtInLosses.has(new.target) ? opts : null;
  }

  /** The constructor's options, checked at first use (see above). */
  private uncheckedOptions: object | null;

  private checkOptions(): void {
    const given = this.uncheckedOptions;
    if (!given) return;
    this.uncheckedOptions = null;
    const keys = Object.keys(this.getConfig()).map(snakeToCamel);
    checkOptionNames(this.constructor.name, given, [
      ...new Set(["name", "reduction", "dtype", ...keys]),
    ]);
  }

  /** Per-sample losses: y_pred's shape without its last axis (usually [batch]). */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  apply(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): Tensor {
    this.checkOptions();
    const p0 = asTensor(yPred);
    const inMask = maskOf(p0);
    const p = cast(p0, floatDtype(p0, this.dtype));
    const t = cast(asTensor(yTrue), p.dtype);
    const values = this.call(t, p);
    const outMask = lossMaskOf(values);
    const mask = inMask && outMask ? logicalAnd(inMask, outMask) : (inMask ?? outMask);
    const sw = sampleWeight === undefined || sampleWeight === null ? null : asTensor(sampleWeight);
    return reduceWeightedValues(values, sw, mask, this.reduction, this.name);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }

  serialize(): KerasObject {
    return kerasEnvelope(this, "keras.losses", this.constructor.name, this.getConfig());
  }

  /** Builds the loss from its Keras config (snake_case keys). */
  static fromConfig<T extends Loss>(
    this: new (opts: never) => T,
    config: Record<string, unknown>,
  ): T {
    const { dtype, ...rest } = config;
    // Keras may write the dtype as a DTypePolicy object; only its name matters here.
    const name = isKerasObject(dtype) ? (dtype.config as { name?: unknown }).name : dtype;
    const opts = camelizeKeys(rest);
    if (typeof name === "string") opts.dtype = name;
    // configs may carry keys Keras ignores: not checked
    fromConfigDepth++;
    try {
      return new this(opts as never);
    } finally {
      fromConfigDepth--;
    }
  }
}

/** Keras's `LossFunctionWrapper`: a `Loss` around a plain `(yTrue, yPred) => perSample` function. */
export class LossFunctionWrapper extends Loss {
  readonly fn: LossFn;

  constructor(fn: LossFn, opts: LossOptions = {}) {
    if (typeof fn !== "function") {
      throw new ValueError(`LossFunctionWrapper: fn must be a function; received ${String(fn)}`);
    }
    super({
      ...opts,
      name: opts.name ?? (fn.name ? toSnakeCase(fn.name) : "loss_function_wrapper"),
    });
    this.fn = fn;
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return this.fn(t, p);
  }
}

// ------------------------------------------------------------------ crossentropy resolution

/** A shape, or anything that has one (a Tensor, a SymbolicTensor); `null` marks an unknown size. */
export type ShapeSource =
  readonly (number | null)[] | { readonly shape: readonly (number | null)[] };

function shapeOf(s: ShapeSource): readonly (number | null)[] {
  return Array.isArray(s) ? s : (s as { shape: readonly (number | null)[] }).shape;
}

/**
 * Keras's `is_binary_or_sparse_categorical` (compile_utils): binary when y_pred's last axis is 1;
 * sparse categorical when y_true has a lower rank, or a last axis of 1 while y_pred's is > 1.
 */
export function crossentropyKind(
  yTrue: ShapeSource,
  yPred: ShapeSource,
): "binary" | "sparse_categorical" | "categorical" {
  const t = shapeOf(yTrue);
  const p = shapeOf(yPred);
  const tLast = t.length ? t[t.length - 1] : undefined;
  const pLast = p.length ? p[p.length - 1] : undefined;
  if (pLast === 1) return "binary";
  if (t.length < p.length || (tLast === 1 && pLast !== null && pLast !== undefined && pLast > 1)) {
    return "sparse_categorical";
  }
  return "categorical";
}

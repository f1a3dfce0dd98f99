import { noGrad } from "../../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { logSoftmax } from "../../ops/activations.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import {
  add,
  cast,
  clip,
  divide,
  equal,
  log,
  multiply,
  negative,
  notEqual,
  power,
  sigmoid,
  softplus,
  subtract,
  where,
} from "../../ops/elementwise.js";
import { takeAlongAxis } from "../../ops/gather.js";
import { expandDims, squeeze } from "../../ops/movement.js";
import { mean, sum } from "../../ops/reduce.js";
import { eagerRegion } from "../../jit/index.js";
import { zerosLike } from "../../tensor/creation.js";
import { normalizeAxis } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  EPSILON,
  Loss,
  type LossOptions,
  alignedPair,
  checkSameShape,
  floatDtype,
  setLossMask,
  squeezeOrExpandToSameRank,
  toFloatPair,
} from "./loss.js";

export interface CrossentropyOptions {
  /** y_pred holds logits rather than probabilities. */
  fromLogits?: boolean;
  /** In [0, 1]: squeezes the labels towards uniform (towards 0.5 for binary crossentropy). */
  labelSmoothing?: number;
  /** The class (features) axis. */
  axis?: number;
}

export interface FocalOptions extends CrossentropyOptions {
  applyClassBalancing?: boolean;
  alpha?: number;
  gamma?: number;
}

export interface SparseCrossentropyOptions {
  fromLogits?: boolean;
  /** A label value whose entries are left out of the loss (and of its mean). */
  ignoreClass?: number | null;
  axis?: number;
}

/** Keras's `label_smoothing` check (shared by every crossentropy loss). */
export function checkSmoothing(where: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
    throw new ValueError(
      `${where}: label_smoothing must be in [0, 1]; received label_smoothing=${String(v)}`,
    );
  }
  return v;
}

/** An integer `axis` argument of a loss. */
export function checkAxis(where: string, axis: unknown): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new ValueError(`${where}: axis must be an integer; received axis=${String(axis)}`);
  }
  return axis;
}

/**
 * Elementwise binary crossentropy. From logits x with label z: softplus(x) − x·z, which is
 * max(x, 0) − x·z + log(1 + e^−|x|) (exact for large |x|; gradient σ(x) − z). From probabilities
 * p, clipped to [ε, 1 − ε]: −(z log p + (1 − z) log(1 − p)).
 */
export function binaryCrossentropyElementwise(
  yTrue: Tensor,
  yPred: Tensor,
  fromLogits: boolean,
): Tensor {
  if (fromLogits) return subtract(softplus(yPred), multiply(yPred, yTrue));
  const p = clip(yPred, EPSILON, 1 - EPSILON);
  return negative(add(multiply(yTrue, log(p)), multiply(subtract(1, yTrue), log(subtract(1, p)))));
}

/** Labels and predictions for the binary losses: same shape after rank alignment. */
function binaryPair(
  where: string,
  yTrue: TensorLike,
  yPred: TensorLike,
  labelSmoothing: number,
): [Tensor, Tensor] {
  const [t0, p0] = toFloatPair(yTrue, yPred);
  const [t, p] = squeezeOrExpandToSameRank(t0, p0);
  checkSameShape(where, t, p, [t0, p0]);
  // z(1 − s) + s/2: labels squeezed towards 0.5.
  return [labelSmoothing ? add(multiply(t, 1 - labelSmoothing), 0.5 * labelSmoothing) : t, p];
}

/** mean over `axis` of the elementwise binary crossentropy. */
export function binaryCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  opts: CrossentropyOptions = {},
): Tensor {
  const ls = checkSmoothing("binary_crossentropy", opts.labelSmoothing ?? 0);
  const [t, p] = binaryPair("binary_crossentropy", yTrue, yPred, ls);
  return mean(
    binaryCrossentropyElementwise(t, p, opts.fromLogits ?? false),
    checkAxis("binary_crossentropy", opts.axis ?? -1),
  );
}

/**
 * Focal crossentropy (Lin et al. 2018): bce · (1 − p_t)^γ with p_t = z·p + (1 − z)(1 − p), and
 * with class balancing also · (α for z = 1, 1 − α for z = 0). γ = 0 gives binary crossentropy.
 */
export function binaryFocalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  opts: FocalOptions = {},
): Tensor {
  const where_ = "binary_focal_crossentropy";
  const ls = checkSmoothing(where_, opts.labelSmoothing ?? 0);
  const alpha = opts.alpha ?? 0.25;
  const gamma = opts.gamma ?? 2;
  const [t, p0] = binaryPair(where_, yTrue, yPred, ls);
  const p = opts.fromLogits ? sigmoid(p0) : p0;
  const bce = binaryCrossentropyElementwise(t, p, false);
  const pt = add(multiply(t, p), multiply(subtract(1, t), subtract(1, p)));
  let focal = multiply(power(subtract(1, pt), gamma), bce);
  if (opts.applyClassBalancing) {
    focal = multiply(add(multiply(t, alpha), multiply(subtract(1, t), 1 - alpha)), focal);
  }
  return mean(focal, checkAxis(where_, opts.axis ?? -1));
}

/** log-probabilities along `axis`: log-softmax of logits, or the log of renormalized, clipped probabilities. */
function logProbabilities(yPred: Tensor, fromLogits: boolean, axis: number): Tensor {
  if (fromLogits) return logSoftmax(yPred, axis);
  const p = divide(yPred, sum(yPred, axis, true));
  return log(clip(p, EPSILON, 1 - EPSILON));
}

/** −Σ y_true · log p(y_pred) along `axis`; labels one-hot (or a distribution). */
export function categoricalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  opts: CrossentropyOptions = {},
): Tensor {
  const where_ = "categorical_crossentropy";
  const ls = checkSmoothing(where_, opts.labelSmoothing ?? 0);
  const axis = checkAxis(where_, opts.axis ?? -1);
  const [t0, p] = toFloatPair(yTrue, yPred);
  const sparseLooking =
    t0.rank === p.rank - 1 || (t0.rank === p.rank && t0.shape[t0.rank - 1] === 1);
  checkSameShape(
    where_,
    t0,
    p,
    [t0, p],
    sparseLooking ? " (for integer labels use sparse_categorical_crossentropy)" : "",
  );
  // z(1 − s) + s/C: each class keeps 1 − s of its label and gets an equal share of s, C being
  // the size of the class axis (`axis`, as Keras: not always the last).
  const numClasses = p.rank === 0 ? 1 : p.shape[normalizeAxis(axis, p.rank, where_)]!;
  const t = ls ? add(multiply(t0, 1 - ls), ls / numClasses) : t0;
  return negative(sum(multiply(t, logProbabilities(p, opts.fromLogits ?? false, axis)), axis));
}

/**
 * Integer labels (floats truncated), ignored ones replaced by class 0. Their range is checked in
 * JavaScript, as an eager region, so a compiled step checks every batch too (src/jit/).
 */
function integerLabels(labels: Tensor, numClasses: number, ignoreClass: number | null): Tensor {
  eagerRegion("sparse_categorical_crossentropy labels", [labels], ([t]) =>
    checkLabelRange(t!, numClasses, ignoreClass),
  );
  const ints = cast(labels, "int32");
  return ignoreClass === null ? ints : where(equal(ints, ignoreClass), zerosLike(ints), ints);
}

function checkLabelRange(labels: Tensor, numClasses: number, ignoreClass: number | null): void {
  const values = labels.dataSync();
  for (let i = 0; i < labels.size; i++) {
    const v = Math.trunc(Number(values[i]));
    if (ignoreClass !== null && v === ignoreClass) continue;
    if (!(v >= 0 && v < numClasses)) {
      throw new ValueError(
        `sparse_categorical_crossentropy: labels must be integers in [0, ${numClasses}) ` +
          `(the last axis of y_pred); received a label ${String(values[i])} in y_true`,
      );
    }
  }
}

/**
 * −log p(y_pred)[label] for integer labels of shape y_pred.shape without the class axis (or with a
 * trailing 1); labels may be int32 or float. Entries labelled `ignoreClass` give 0 and are masked
 * out of the loss's mean.
 */
export function sparseCategoricalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  opts: SparseCrossentropyOptions = {},
): Tensor {
  const where_ = "sparse_categorical_crossentropy";
  const p0 = asTensor(yPred);
  const p = cast(p0, floatDtype(p0));
  const t0 = asTensor(yTrue);
  if (p.rank < 1)
    throw new ShapeError(`${where_}: y_pred must have a class axis; received y_pred.shape=[]`);
  const ax = normalizeAxis(checkAxis(where_, opts.axis ?? -1), p.rank, where_);
  // Labels with a size-1 class axis (at `axis`, as Keras) lose it.
  const t = t0.rank === p.rank && t0.shape[ax] === 1 ? squeeze(t0, ax) : t0;
  const expected = p.shape.filter((_, i) => i !== ax);
  if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    const hint = t0.rank === p.rank ? " (for one-hot labels use categorical_crossentropy)" : "";
    throw new ShapeError(
      `${where_}: y_true must have y_pred's shape without the class axis (${fmtShape(expected)}); ` +
        `received y_true.shape=${fmtShape(t0.shape)}, y_pred.shape=${fmtShape(p.shape)}${hint}`,
    );
  }
  const ignore = opts.ignoreClass ?? null;
  const labels = noGrad(() => integerLabels(t, p.shape[ax]!, ignore));
  const pick = (v: Tensor): Tensor => squeeze(takeAlongAxis(v, expandDims(labels, ax), ax), ax);
  // Probabilities: only the labels' entries are normalized, clipped and logged (the values of
  // logProbabilities at those entries, without the work on the other classes).
  const picked = opts.fromLogits
    ? pick(logSoftmax(p, ax))
    : log(clip(divide(pick(p), sum(p, ax)), EPSILON, 1 - EPSILON));
  const res = negative(picked);
  if (ignore === null) return res;
  const valid = notEqual(t, ignore);
  return setLossMask(where(valid, res, 0), valid);
}

/** Σ y_true · log(y_true / y_pred) along the last axis, both clipped to [ε, 1]. */
export function klDivergence(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t0, p0] = alignedPair("kl_divergence", yTrue, yPred);
  const t = clip(t0, EPSILON, 1);
  const p = clip(p0, EPSILON, 1);
  return sum(multiply(t, log(divide(t, p))), -1);
}

/** mean(y_pred − y_true · log(y_pred + ε), axis=−1) */
export function poisson(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("poisson", yTrue, yPred);
  return mean(subtract(p, multiply(t, log(add(p, EPSILON)))), -1);
}

// ------------------------------------------------------------------ classes

export class BinaryCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: LossOptions & CrossentropyOptions = {}) {
    super({ ...opts, name: opts.name ?? "binary_crossentropy" });
    this.fromLogits = opts.fromLogits ?? false;
    this.labelSmoothing = checkSmoothing("BinaryCrossentropy", opts.labelSmoothing ?? 0);
    this.axis = checkAxis("BinaryCrossentropy", opts.axis ?? -1);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

export class BinaryFocalCrossentropy extends Loss {
  readonly applyClassBalancing: boolean;
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: LossOptions & FocalOptions = {}) {
    super({ ...opts, name: opts.name ?? "binary_focal_crossentropy" });
    this.applyClassBalancing = opts.applyClassBalancing ?? false;
    this.alpha = opts.alpha ?? 0.25;
    this.gamma = opts.gamma ?? 2;
    if (!(this.gamma >= 0)) {
      throw new ValueError(
        `BinaryFocalCrossentropy: gamma must be >= 0; received gamma=${String(opts.gamma)}`,
      );
    }
    this.fromLogits = opts.fromLogits ?? false;
    this.labelSmoothing = checkSmoothing("BinaryFocalCrossentropy", opts.labelSmoothing ?? 0);
    this.axis = checkAxis("BinaryFocalCrossentropy", opts.axis ?? -1);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryFocalCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
      axis: this.axis,
      apply_class_balancing: this.applyClassBalancing,
      alpha: this.alpha,
      gamma: this.gamma,
    };
  }
}

export class CategoricalCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: LossOptions & CrossentropyOptions = {}) {
    super({ ...opts, name: opts.name ?? "categorical_crossentropy" });
    this.fromLogits = opts.fromLogits ?? false;
    this.labelSmoothing = checkSmoothing("CategoricalCrossentropy", opts.labelSmoothing ?? 0);
    this.axis = checkAxis("CategoricalCrossentropy", opts.axis ?? -1);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

export class SparseCategoricalCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;
  readonly axis: number;
  constructor(opts: LossOptions & SparseCrossentropyOptions = {}) {
    super({ ...opts, name: opts.name ?? "sparse_categorical_crossentropy" });
    this.fromLogits = opts.fromLogits ?? false;
    this.ignoreClass = opts.ignoreClass ?? null;
    this.axis = checkAxis("SparseCategoricalCrossentropy", opts.axis ?? -1);
    if (this.ignoreClass !== null && !Number.isInteger(this.ignoreClass)) {
      throw new ValueError(
        `SparseCategoricalCrossentropy: ignore_class must be an integer or null; received ignore_class=${String(opts.ignoreClass)}`,
      );
    }
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      ignore_class: this.ignoreClass,
      axis: this.axis,
    };
  }
}

export class KLDivergence extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "kl_divergence" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return klDivergence(yTrue, yPred);
  }
}

export class Poisson extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "poisson" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return poisson(yTrue, yPred);
  }
}

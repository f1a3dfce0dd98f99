/**
 * Keras's focal and generalized categorical crossentropies: `CategoricalFocalCrossentropy` (Lin et
 * al. 2018, α·(1 − p)^γ·CE summed over the class axis) and `CategoricalGeneralizedCrossEntropy`
 * (Zhang & Sabuncu 2018, (1 − p_label^q) / q for integer labels). Both are composed of
 * differentiable ops, so their gradients come from the tape.
 */
import { ValueError } from "../../errors.js";
import { softmax } from "../../ops/activations.js";
import type { TensorLike } from "../../ops/core.js";
import {
  add,
  clip,
  divide,
  log,
  multiply,
  negative,
  power,
  subtract,
} from "../../ops/elementwise.js";
import { oneHot } from "../../ops/gather.js";
import { reshape } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import { normalizeAxis } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON, Loss, type LossOptions, checkSameShape, toFloatPair } from "./loss.js";
import { checkAxis, checkSmoothing } from "./probabilistic.js";

export interface CategoricalFocalOptions {
  /** Weight of every class (a number) or one weight per class (a list); default 0.25. */
  alpha?: number | number[];
  /** Focusing parameter: (1 − p)^γ down-weights easy examples; default 2. */
  gamma?: number;
  fromLogits?: boolean;
  /** In [0, 1]: labels become z(1 − s) + s/C along `axis`. */
  labelSmoothing?: number;
  /** The class axis; default −1. */
  axis?: number;
}

/**
 * Σ_axis α·(1 − p)^γ·(−z·log p), with p = y_pred renormalized along `axis` and clipped to
 * [ε, 1 − ε] (softmax first for logits) and z the (smoothed) one-hot labels.
 */
export function categoricalFocalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  opts: CategoricalFocalOptions = {},
): Tensor {
  const where = "categorical_focal_crossentropy";
  const axis = checkAxis(where, opts.axis ?? -1);
  const ls = checkSmoothing(where, opts.labelSmoothing ?? 0);
  const alpha = opts.alpha ?? 0.25;
  const gamma = opts.gamma ?? 2;
  const [t0, p0] = toFloatPair(yTrue, yPred);
  checkSameShape(where, t0, p0);
  const ax = normalizeAxis(axis, p0.rank, where);
  const t = ls ? add(multiply(t0, 1 - ls), ls / p0.shape[ax]!) : t0;
  const probs = opts.fromLogits ? softmax(p0, ax) : p0;
  const output = clip(divide(probs, sum(probs, ax, true)), EPSILON, 1 - EPSILON);
  const cce = negative(multiply(t, log(output)));
  const alphaT = Array.isArray(alpha) ? tensor(alpha, [alpha.length], p0.dtype) : alpha;
  const weighting = multiply(power(subtract(1, output), gamma), alphaT);
  return sum(multiply(weighting, cce), ax);
}

/**
 * (1 − p^q) / q, where p is y_pred's entry (last axis) at the integer label y_true ([batch] or
 * [batch, 1]); q in (0, 1): near 0 it behaves as crossentropy, near 1 as mean absolute error.
 */
export function categoricalGeneralizedCrossEntropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  q: number,
): Tensor {
  const where = "categorical_generalized_cross_entropy";
  checkQ(where, q);
  const [t, p] = toFloatPair(yTrue, yPred);
  const numClasses = p.shape[p.rank - 1]!;
  const labels =
    t.rank === p.rank && t.shape[t.rank - 1] === 1 && numClasses !== 1
      ? reshape(t, t.shape.slice(0, -1))
      : t;
  const hot = oneHot(labels, numClasses, -1, p.dtype);
  const picked = sum(multiply(p, hot), -1);
  return divide(subtract(1, power(picked, q)), q);
}

function checkQ(where: string, q: unknown): number {
  if (typeof q !== "number" || !(q > 0 && q < 1)) {
    throw new ValueError(`${where}: q must be in the interval (0, 1); received q=${String(q)}`);
  }
  return q;
}

// ------------------------------------------------------------------ classes

export class CategoricalFocalCrossentropy extends Loss {
  readonly alpha: number | number[];
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: LossOptions & CategoricalFocalOptions = {}) {
    super({ ...opts, name: opts.name ?? "categorical_focal_crossentropy" });
    this.alpha = opts.alpha ?? 0.25;
    this.gamma = opts.gamma ?? 2;
    this.fromLogits = opts.fromLogits ?? false;
    this.labelSmoothing = checkSmoothing("CategoricalFocalCrossentropy", opts.labelSmoothing ?? 0);
    this.axis = checkAxis("CategoricalFocalCrossentropy", opts.axis ?? -1);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalFocalCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
      axis: this.axis,
      alpha: this.alpha,
      gamma: this.gamma,
    };
  }
}

export class CategoricalGeneralizedCrossEntropy extends Loss {
  readonly q: number;
  constructor(opts: LossOptions & { q?: number } = {}) {
    super({ ...opts, name: opts.name ?? "categorical_generalized_cross_entropy" });
    this.q = checkQ("CategoricalGeneralizedCrossEntropy", opts.q ?? 0.5);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalGeneralizedCrossEntropy(yTrue, yPred, this.q);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), q: this.q };
  }
}

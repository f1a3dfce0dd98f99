import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import {
  abs,
  add,
  divide,
  log,
  maximum,
  multiply,
  negative,
  rsqrt,
  softplus,
  square,
  subtract,
  where,
  lessEqual,
} from "../../ops/elementwise.js";
import { mean, sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EPSILON, Loss, type LossOptions, alignedPair } from "./loss.js";

/** mean((y_true − y_pred)², axis=−1) */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("mean_squared_error", yTrue, yPred);
  return mean(square(subtract(t, p)), -1);
}

/** mean(|y_true − y_pred|, axis=−1) */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("mean_absolute_error", yTrue, yPred);
  return mean(abs(subtract(t, p)), -1);
}

/** 100 · mean(|(y_true − y_pred) / max(|y_true|, ε)|, axis=−1) */
export function meanAbsolutePercentageError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("mean_absolute_percentage_error", yTrue, yPred);
  const diff = abs(divide(subtract(t, p), maximum(abs(t), EPSILON)));
  return multiply(mean(diff, -1), 100);
}

/** mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))², axis=−1) */
export function meanSquaredLogarithmicError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("mean_squared_logarithmic_error", yTrue, yPred);
  const first = log(add(maximum(p, EPSILON), 1));
  const second = log(add(maximum(t, EPSILON), 1));
  return mean(square(subtract(first, second)), -1);
}

/**
 * Keras `normalize(x, axis)`: x · min(1/‖x‖, 1/ε), written as x · rsqrt(max(Σx², ε²)) — the same
 * value, with a finite gradient for an all-zero vector.
 */
export function l2Normalize(x: Tensor, axis: number): Tensor {
  return multiply(x, rsqrt(maximum(sum(square(x), axis, true), EPSILON * EPSILON)));
}

/** Σ(l2norm(y_true) · l2norm(y_pred)) along `axis`: the (positive) cosine similarity. */
export function cosineSimilarityValue(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  const [t, p] = alignedPair("cosine_similarity", yTrue, yPred);
  return sum(multiply(l2Normalize(t, axis), l2Normalize(p, axis)), axis);
}

/** −Σ(l2norm(y_true) · l2norm(y_pred)) along `axis`: 0 for orthogonal vectors, −1 for equal ones. */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  return negative(cosineSimilarityValue(yTrue, yPred, axis));
}

function checkDelta(delta: number): number {
  if (typeof delta !== "number" || !Number.isFinite(delta) || delta <= 0) {
    throw new ValueError(`huber: delta must be a positive number; received delta=${String(delta)}`);
  }
  return delta;
}

/** mean(½e² where |e| ≤ δ, else δ|e| − ½δ², axis=−1), with e = y_pred − y_true. */
export function huber(yTrue: TensorLike, yPred: TensorLike, delta = 1): Tensor {
  checkDelta(delta);
  const [t, p] = alignedPair("huber", yTrue, yPred);
  const error = subtract(p, t);
  const absError = abs(error);
  const quadratic = multiply(square(error), 0.5);
  const linear = subtract(multiply(absError, delta), 0.5 * delta * delta);
  return mean(where(lessEqual(absError, delta), quadratic, linear), -1);
}

/** mean(log cosh(y_pred − y_true), axis=−1), as x + softplus(−2x) − log 2 (no overflow for big x). */
export function logCosh(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("log_cosh", yTrue, yPred);
  const x = subtract(p, t);
  return mean(subtract(add(x, softplus(multiply(x, -2))), Math.log(2)), -1);
}

// ------------------------------------------------------------------ classes

export class MeanSquaredError extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "mean_squared_error" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}

export class MeanAbsoluteError extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "mean_absolute_error" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }
}

export class MeanAbsolutePercentageError extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "mean_absolute_percentage_error" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsolutePercentageError(yTrue, yPred);
  }
}

export class MeanSquaredLogarithmicError extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "mean_squared_logarithmic_error" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredLogarithmicError(yTrue, yPred);
  }
}

/** The negative cosine similarity along `axis` (Keras's sign: minimizing it aligns the vectors). */
export class CosineSimilarity extends Loss {
  readonly axis: number;
  constructor(opts: LossOptions & { axis?: number } = {}) {
    super({ ...opts, name: opts.name ?? "cosine_similarity" });
    this.axis = opts.axis ?? -1;
    if (!Number.isInteger(this.axis)) {
      throw new ValueError(
        `CosineSimilarity: axis must be an integer; received axis=${String(opts.axis)}`,
      );
    }
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return cosineSimilarity(yTrue, yPred, this.axis);
  }
  // Keras's own get_config leaves out axis (and loses it on reload); it is kept here, and
  // Keras's from_config accepts it.
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

export class Huber extends Loss {
  readonly delta: number;
  constructor(opts: LossOptions & { delta?: number } = {}) {
    super({ ...opts, name: opts.name ?? "huber_loss" });
    this.delta = checkDelta(opts.delta ?? 1);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return huber(yTrue, yPred, this.delta);
  }
  // As for CosineSimilarity: Keras drops delta from its config; it is kept here.
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}

export class LogCosh extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "log_cosh" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return logCosh(yTrue, yPred);
  }
}

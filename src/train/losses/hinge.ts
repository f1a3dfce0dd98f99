import { noGrad } from "../../autodiff/tape.js";
import type { TensorLike } from "../../ops/core.js";
import {
  equal,
  logicalOr,
  maximum,
  multiply,
  square,
  subtract,
  add,
} from "../../ops/elementwise.js";
import { all, max, mean, sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Loss, type LossOptions, alignedPair } from "./loss.js";

/** Keras converts {0, 1} labels to {−1, 1} for the hinge losses; other labels are kept. */
function hingeLabels(yTrue: Tensor): Tensor {
  const binary = noGrad(() => all(logicalOr(equal(yTrue, 0), equal(yTrue, 1))).item());
  return binary ? subtract(multiply(yTrue, 2), 1) : yTrue;
}

/** mean(max(1 − y_true · y_pred, 0), axis=−1), labels in {−1, 1} (or {0, 1}, converted). */
export function hinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("hinge", yTrue, yPred);
  return mean(maximum(subtract(1, multiply(hingeLabels(t), p)), 0), -1);
}

/** mean(max(1 − y_true · y_pred, 0)², axis=−1) */
export function squaredHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("squared_hinge", yTrue, yPred);
  return mean(square(maximum(subtract(1, multiply(hingeLabels(t), p)), 0)), -1);
}

/** max(neg − pos + 1, 0) with pos = Σ y_true·y_pred and neg = max((1 − y_true)·y_pred). */
export function categoricalHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = alignedPair("categorical_hinge", yTrue, yPred);
  const pos = sum(multiply(t, p), -1);
  const neg = max(multiply(subtract(1, t), p), -1);
  return maximum(add(subtract(neg, pos), 1), 0);
}

export class Hinge extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "hinge" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return hinge(yTrue, yPred);
  }
}

export class SquaredHinge extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "squared_hinge" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return squaredHinge(yTrue, yPred);
  }
}

export class CategoricalHinge extends Loss {
  constructor(opts: LossOptions = {}) {
    super({ ...opts, name: opts.name ?? "categorical_hinge" });
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalHinge(yTrue, yPred);
  }
}

import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { add, multiply, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  Optimizer,
  type OptimizerOptions,
  type SlotSpec,
  checkBool,
  checkRange,
} from "./optimizer.js";
import type { FusedRule } from "./fused.js";

export interface SGDOptions extends OptimizerOptions {
  /** Defaults to 0 (plain gradient descent); must lie in [0, 1]. */
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Gradient descent, with optional (Nesterov) momentum; Keras defaults `learningRate` 0.01.
 * Without momentum: w ← w − lr·g. With momentum: v ← μv − lr·g, then w ← w + v, or with
 * Nesterov w ← w + μv − lr·g (using the new v).
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(learningRate?: LearningRate | SGDOptions, opts?: SGDOptions);
  constructor(first?: LearningRate | SGDOptions, more?: SGDOptions) {
    const opts = withLearningRate("SGD", first, more);
    super(opts, { learningRate: 0.01, keys: ["momentum", "nesterov"] });
    this.momentum = checkRange("SGD", "momentum", opts.momentum ?? 0, [0, 1]);
    this.nesterov = checkBool("SGD", "nesterov", opts.nesterov ?? false);
  }

  protected override slotSpecs(): SlotSpec[] {
    return this.momentum !== 0 ? [{ name: "momentum" }] : [];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const step = multiply(g, lr);
    if (this.momentum === 0) return subtract(w, step);
    const m = slots[0]!;
    const v = subtract(multiply(m, this.momentum), step);
    m.assign(v);
    return add(w, this.nesterov ? subtract(multiply(v, this.momentum), step) : v);
  }

  protected override fusedRule(lr: number): FusedRule | null {
    if (this.updateStep !== SGD.prototype.updateStep) return null; // a subclass's own rule wins
    const hyper = Float64Array.of(lr, 0, this.momentum, this.nesterov ? 1 : 0, 0, 0);
    return { rule: "sgd", hyper };
  }

  protected override ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

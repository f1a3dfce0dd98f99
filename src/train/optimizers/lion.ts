import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { add, multiply, sign, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotSpec, checkRange } from "./optimizer.js";

export interface LionOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
}

/**
 * Lion (Chen et al. 2023), Keras defaults lr 0.001, β₁ 0.9, β₂ 0.99:
 *   w ← w − lr·sign(β₁m + (1 − β₁)g);  m ← β₂m + (1 − β₂)g
 */
export class Lion extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;

  constructor(learningRate?: LearningRate | LionOptions, opts?: LionOptions);
  constructor(first?: LearningRate | LionOptions, more?: LionOptions) {
    const opts = withLearningRate("Lion", first, more);
    super(opts, { learningRate: 0.001, keys: ["beta1", "beta2"] });
    // β₁ = 0 would make Lion SignSGD, which Keras refuses.
    this.beta1 = checkRange("Lion", "beta1", opts.beta1 ?? 0.9, [0, 1], { openLow: true });
    this.beta2 = checkRange("Lion", "beta2", opts.beta2 ?? 0.99, [0, 1]);
  }

  protected override slotSpecs(): SlotSpec[] {
    return [{ name: "momentum" }];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const momentum = slots[0]!;
    const direction = sign(add(multiply(momentum, this.beta1), multiply(g, 1 - this.beta1)));
    momentum.assign(add(multiply(momentum, this.beta2), multiply(g, 1 - this.beta2)));
    return subtract(w, multiply(direction, lr));
  }

  protected override ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2 };
  }
}

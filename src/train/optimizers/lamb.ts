/**
 * LAMB (You et al. 2019) as Keras 3's `Lamb` (keras/src/optimizers/lamb.py): Adam's bias-corrected
 * direction rescaled per variable by the trust ratio ‖w‖/‖update‖ (1 when either norm is 0):
 *   m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂);  t = iterations + 1
 *   u = (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε);  w ← w − ratio·lr·u
 * Keras defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
 */
import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import {
  add,
  divide,
  greater,
  logicalAnd,
  multiply,
  sqrt,
  square,
  subtract,
  where,
} from "../../ops/elementwise.js";
import { sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotGroup, checkRange } from "./optimizer.js";

export interface LambOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Lamb extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(learningRate?: LearningRate | LambOptions, opts?: LambOptions);
  constructor(first?: LearningRate | LambOptions, more?: LambOptions) {
    const opts = withLearningRate("Lamb", first, more);
    super(opts, { learningRate: 0.001, keys: ["beta1", "beta2", "epsilon"] });
    this.beta1 = checkRange("Lamb", "beta1", opts.beta1 ?? 0.9, [0, 1], { openHigh: true });
    this.beta2 = checkRange("Lamb", "beta2", opts.beta2 ?? 0.999, [0, 1], { openHigh: true });
    this.epsilon = checkRange("Lamb", "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
  }

  protected override slotSpecs(): SlotGroup[] {
    return [[{ name: "momentum" }, { name: "velocity" }]];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const [momentum, velocity] = slots as [Variable, Variable];
    const t = this.iterations + 1;
    const m = add(momentum, multiply(subtract(g, momentum), 1 - this.beta1));
    const v = add(velocity, multiply(subtract(square(g), velocity), 1 - this.beta2));
    momentum.assign(m);
    velocity.assign(v);
    const mHat = divide(m, 1 - Math.pow(this.beta1, t));
    const vSqrt = add(sqrt(divide(v, 1 - Math.pow(this.beta2, t))), this.epsilon);
    const update = divide(mHat, vSqrt);
    const wNorm = sqrt(sum(square(w)));
    const uNorm = sqrt(sum(square(update)));
    const ratio = where(logicalAnd(greater(wNorm, 0), greater(uNorm, 0)), divide(wNorm, uNorm), 1);
    return subtract(w, multiply(update, multiply(ratio, lr)));
  }

  protected override ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { abs, add, divide, maximum, multiply, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotGroup, checkRange } from "./optimizer.js";

export interface AdamaxOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adamax, Adam's infinity-norm variant (Kingma & Ba 2014, §7.1), Keras defaults lr 0.001,
 * β₁ 0.9, β₂ 0.999, ε 1e-7; t = iterations + 1:
 *   m ← m + (g − m)(1 − β₁);  u ← max(β₂u, |g|);  w ← w − lr·m / ((1 − β₁ᵗ)(u + ε))
 */
export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(learningRate?: LearningRate | AdamaxOptions, opts?: AdamaxOptions);
  constructor(first?: LearningRate | AdamaxOptions, more?: AdamaxOptions) {
    const opts = withLearningRate("Adamax", first, more);
    super(opts, { learningRate: 0.001, keys: ["beta1", "beta2", "epsilon"] });
    this.beta1 = checkRange("Adamax", "beta1", opts.beta1 ?? 0.9, [0, 1], { openHigh: true });
    this.beta2 = checkRange("Adamax", "beta2", opts.beta2 ?? 0.999, [0, 1]);
    this.epsilon = checkRange("Adamax", "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
  }

  protected override slotSpecs(): SlotGroup[] {
    return [[{ name: "momentum" }, { name: "norm" }]];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const [momentum, norm] = slots as [Variable, Variable];
    const t = this.iterations + 1;
    const m = add(momentum, multiply(subtract(g, momentum), 1 - this.beta1));
    const u = maximum(multiply(norm, this.beta2), abs(g));
    momentum.assign(m);
    norm.assign(u);
    // lr / (1 − β₁ᵗ) folded into one scalar.
    const rate = lr / (1 - Math.pow(this.beta1, t));
    return subtract(w, divide(multiply(m, rate), add(u, this.epsilon)));
  }

  protected override ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

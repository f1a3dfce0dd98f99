import { type LearningRate, withLearningRate } from "./options.js";
import { Variable } from "../../autodiff/variable.js";
import { add, divide, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import { full } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotGroup, checkRange } from "./optimizer.js";

export interface NadamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Nadam: Adam with Nesterov momentum (Dozat 2015), with Keras's momentum-cache schedule.
 * Keras defaults lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7. With t = iterations + 1,
 * μₜ = β₁(1 − ½·0.96ᵗ) and the running product Πₜ = μ₁⋯μₜ (the `u_product` variable):
 *   m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂)
 *   m̂ = μₜ₊₁·m / (1 − Πₜ·μₜ₊₁) + (1 − μₜ)·g / (1 − Πₜ);  v̂ = v / (1 − β₂ᵗ)
 *   w ← w − lr·m̂ / (√v̂ + ε)
 */
export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private uProduct: Variable | null = null;

  constructor(learningRate?: LearningRate | NadamOptions, opts?: NadamOptions);
  constructor(first?: LearningRate | NadamOptions, more?: NadamOptions) {
    const opts = withLearningRate("Nadam", first, more);
    super(opts, { learningRate: 0.001, keys: ["beta1", "beta2", "epsilon"] });
    this.beta1 = checkRange("Nadam", "beta1", opts.beta1 ?? 0.9, [0, 1], { openHigh: true });
    this.beta2 = checkRange("Nadam", "beta2", opts.beta2 ?? 0.999, [0, 1], { openHigh: true });
    this.epsilon = checkRange("Nadam", "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
  }

  protected override slotSpecs(): SlotGroup[] {
    return [[{ name: "momentum" }, { name: "velocity" }]];
  }

  protected override buildExtra(dtype: Variable["dtype"]): Variable[] {
    this.uProduct = new Variable(full([], 1, dtype), {
      name: `${this.name}/u_product`,
      trainable: false,
    });
    return [this.uProduct];
  }

  private mu(step: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, step));
  }

  // Πₜ = Πₜ₋₁·μₜ, advanced once per step before the variables are updated.
  protected override beforeUpdates(): void {
    const u = this.uProduct!;
    u.assign(full([], Number(u.value.item()) * this.mu(this.iterations + 1), u.dtype));
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const [momentum, velocity] = slots as [Variable, Variable];
    const t = this.iterations + 1;
    const muT = this.mu(t);
    const muNext = this.mu(t + 1);
    const product = Number(this.uProduct!.value.item());
    const m = add(momentum, multiply(subtract(g, momentum), 1 - this.beta1));
    const v = add(velocity, multiply(subtract(square(g), velocity), 1 - this.beta2));
    momentum.assign(m);
    velocity.assign(v);
    const mHat = add(
      multiply(m, muNext / (1 - product * muNext)),
      multiply(g, (1 - muT) / (1 - product)),
    );
    const vHat = divide(v, 1 - Math.pow(this.beta2, t));
    return subtract(w, divide(multiply(mHat, lr), add(sqrt(vHat), this.epsilon)));
  }

  protected override ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { add, divide, maximum, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  Optimizer,
  type OptimizerOptions,
  type SlotGroup,
  checkBool,
  checkRange,
} from "./optimizer.js";
import type { FusedRule } from "./fused.js";

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

/**
 * Adam (Kingma & Ba 2014) in Keras's bias-corrected form, t = iterations + 1:
 *   m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂);  amsgrad: v̂ ← max(v̂, v) replaces v
 *   α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ);  w ← w − α·m / (√v + ε)
 * Keras defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7 (ε is "epsilon hat", added to √v).
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(learningRate?: LearningRate | AdamOptions, opts?: AdamOptions);
  constructor(first?: LearningRate | AdamOptions, more?: AdamOptions) {
    const opts = withLearningRate("Adam", first, more);
    super(opts, { learningRate: 0.001, keys: ["beta1", "beta2", "epsilon", "amsgrad"] });
    const where = this.constructor.name;
    this.beta1 = checkRange(where, "beta1", opts.beta1 ?? 0.9, [0, 1], { openHigh: true });
    this.beta2 = checkRange(where, "beta2", opts.beta2 ?? 0.999, [0, 1], { openHigh: true });
    this.epsilon = checkRange(where, "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
    this.amsgrad = checkBool(where, "amsgrad", opts.amsgrad ?? false);
  }

  protected override slotSpecs(): SlotGroup[] {
    const groups: SlotGroup[] = [[{ name: "momentum" }, { name: "velocity" }]];
    if (this.amsgrad) groups.push({ name: "velocity_hat" });
    return groups;
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const alpha = this.alpha(lr);
    const [momentum, velocity, velocityHat] = slots as [Variable, Variable, Variable?];
    const m = add(momentum, multiply(subtract(g, momentum), 1 - this.beta1));
    let v = add(velocity, multiply(subtract(square(g), velocity), 1 - this.beta2));
    momentum.assign(m);
    velocity.assign(v);
    if (velocityHat) {
      v = maximum(velocityHat, v);
      velocityHat.assign(v);
    }
    return subtract(w, divide(multiply(m, alpha), add(sqrt(v), this.epsilon)));
  }

  /** The step size with both bias corrections folded in, for this step. */
  private alpha(lr: number): number {
    const t = this.iterations + 1;
    return (lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
  }

  protected override fusedRule(lr: number): FusedRule | null {
    if (this.updateStep !== Adam.prototype.updateStep) return null; // a subclass's own rule wins
    const amsgrad = this.amsgrad ? 1 : 0;
    const hyper = Float64Array.of(this.alpha(lr), 0, this.beta1, this.beta2, this.epsilon, amsgrad);
    return { rule: "adam", hyper };
  }

  protected override ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

export type AdamWOptions = AdamOptions;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019): the base optimizer's
 * w ← w − w·wd·lr before each Adam step, with Keras's default weightDecay 0.004.
 */
export class AdamW extends Adam {
  constructor(learningRate?: LearningRate | AdamWOptions, opts?: AdamWOptions);
  constructor(first?: LearningRate | AdamWOptions, more?: AdamWOptions) {
    const opts = withLearningRate("AdamW", first, more);
    super({ ...opts, weightDecay: opts.weightDecay === undefined ? 0.004 : opts.weightDecay });
    if (this.weightDecay === null) {
      throw new ValueError("AdamW: weightDecay must be a number; received weightDecay=null");
    }
  }
}

import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { add, divide, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  Optimizer,
  type OptimizerOptions,
  type SlotSpec,
  checkBool,
  checkRange,
} from "./optimizer.js";
import type { FusedRule } from "./fused.js";

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

/**
 * RMSprop (Hinton 2012) with Keras's defaults: lr 0.001, rho 0.9, momentum 0, epsilon 1e-7.
 *   v ← ρv + (1 − ρ)g²;  centered: a ← ρa + (1 − ρ)g, denominator v − a² + ε, else v + ε
 *   Δ = lr·g / √denominator;  momentum μ > 0: m ← μm + Δ, w ← w − m;  else w ← w − Δ
 */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(learningRate?: LearningRate | RMSpropOptions, opts?: RMSpropOptions);
  constructor(first?: LearningRate | RMSpropOptions, more?: RMSpropOptions) {
    const opts = withLearningRate("RMSprop", first, more);
    super(opts, { learningRate: 0.001, keys: ["rho", "momentum", "epsilon", "centered"] });
    this.rho = checkRange("RMSprop", "rho", opts.rho ?? 0.9, [0, 1]);
    this.momentum = checkRange("RMSprop", "momentum", opts.momentum ?? 0.0, [0, 1]);
    this.epsilon = checkRange("RMSprop", "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
    this.centered = checkBool("RMSprop", "centered", opts.centered ?? false);
  }

  protected override slotSpecs(): SlotSpec[] {
    const specs: SlotSpec[] = [{ name: "velocity" }];
    if (this.momentum > 0) specs.push({ name: "momentum" });
    if (this.centered) specs.push({ name: "average_gradient" });
    return specs;
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const rho = this.rho;
    const velocity = slots[0]!;
    const v = add(multiply(velocity, rho), multiply(square(g), 1 - rho));
    velocity.assign(v);
    let denominator: Tensor;
    if (this.centered) {
      const average = slots[this.momentum > 0 ? 2 : 1]!;
      const a = add(multiply(average, rho), multiply(g, 1 - rho));
      average.assign(a);
      denominator = add(subtract(v, square(a)), this.epsilon);
    } else {
      denominator = add(v, this.epsilon);
    }
    const increment = divide(multiply(g, lr), sqrt(denominator));
    if (this.momentum > 0) {
      const momentum = slots[1]!;
      const m = add(multiply(momentum, this.momentum), increment);
      momentum.assign(m);
      return subtract(w, m);
    }
    return subtract(w, increment);
  }

  protected override fusedRule(lr: number): FusedRule | null {
    if (this.updateStep !== RMSprop.prototype.updateStep) return null; // a subclass's own rule wins
    const centered = this.centered ? 1 : 0;
    const hyper = Float64Array.of(lr, 0, this.rho, this.momentum, this.epsilon, centered);
    return { rule: "rmsprop", hyper };
  }

  protected override ownConfig(): Record<string, unknown> {
    return {
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}

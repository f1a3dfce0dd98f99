/**
 * Schedule-free AdamW (Defazio et al. 2024) as Keras 3's `ScheduleFreeAdamW`
 * (keras/src/optimizers/schedule_free_adamw.py). The model's variable holds the interpolation y;
 * the `momentum` slot holds z (starting as a copy of the variable), `velocity` Adam's second
 * moment. With t = iterations + 1 and lr warmed up as lr·min(t/warmupSteps, 1) when warmupSteps > 0:
 *   v ← v + (g² − v)(1 − β₂);  z' = z − lr·g / (√(v/(1 − β₂ᵗ)) + ε)
 *   x = (y − (1 − β₁)z)/β₁;  x' = (1 − 1/t)x + z'/t;  y ← (1 − β₁)z' + β₁x';  z ← z'
 * Weight decay (none by default) is the base's decoupled w ← w − w·wd·lr, applied to y first.
 * Keras defaults: lr 0.0025, β₁ 0.9, β₂ 0.999, ε 1e-8, warmupSteps 0.
 */
import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { add, divide, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotGroup, checkRange } from "./optimizer.js";

export interface ScheduleFreeAdamWOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  warmupSteps?: number;
}

export class ScheduleFreeAdamW extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly warmupSteps: number;

  constructor(
    learningRate?: LearningRate | ScheduleFreeAdamWOptions,
    opts?: ScheduleFreeAdamWOptions,
  );
  constructor(first?: LearningRate | ScheduleFreeAdamWOptions, more?: ScheduleFreeAdamWOptions) {
    const opts = withLearningRate("ScheduleFreeAdamW", first, more);
    super(opts, { learningRate: 0.0025, keys: ["beta1", "beta2", "epsilon", "warmupSteps"] });
    const w = "ScheduleFreeAdamW";
    // β₁ = 0 would divide by zero in x = (y − (1 − β₁)z)/β₁.
    this.beta1 = checkRange(w, "beta1", opts.beta1 ?? 0.9, [0, 1], { openLow: true });
    this.beta2 = checkRange(w, "beta2", opts.beta2 ?? 0.999, [0, 1], { openHigh: true });
    this.epsilon = checkRange(w, "epsilon", opts.epsilon ?? 1e-8, [0, Infinity]);
    const warmup = opts.warmupSteps ?? 0;
    if (!Number.isInteger(warmup) || warmup < 0) {
      throw new ValueError(
        `${w}: warmupSteps must be an integer >= 0; received warmupSteps=${String(warmup)}`,
      );
    }
    this.warmupSteps = warmup;
  }

  protected override slotSpecs(): SlotGroup[] {
    return [[{ name: "momentum", copyOfVariable: true }, { name: "velocity" }]];
  }

  protected updateStep(g: Tensor, y: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const [momentum, velocity] = slots as [Variable, Variable];
    const t = this.iterations + 1;
    const rate = this.warmupSteps > 0 ? lr * Math.min(t / this.warmupSteps, 1) : lr;
    const v = add(velocity, multiply(subtract(square(g), velocity), 1 - this.beta2));
    velocity.assign(v);
    const denom = add(sqrt(divide(v, 1 - Math.pow(this.beta2, t))), this.epsilon);
    const zOld = momentum.value;
    const z = subtract(zOld, divide(multiply(g, rate), denom));
    momentum.assign(z);
    const b1 = this.beta1;
    const x = divide(subtract(y, multiply(zOld, 1 - b1)), b1);
    const xNew = add(multiply(x, 1 - 1 / t), multiply(z, 1 / t));
    return add(multiply(z, 1 - b1), multiply(xNew, b1));
  }

  protected override ownConfig(): Record<string, unknown> {
    return {
      beta_1: this.beta1,
      beta_2: this.beta2,
      epsilon: this.epsilon,
      warmup_steps: this.warmupSteps,
    };
  }
}

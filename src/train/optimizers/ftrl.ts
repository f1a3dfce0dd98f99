/**
 * FTRL-Proximal (McMahan et al. 2013) as Keras 3's `Ftrl` (keras/src/optimizers/ftrl.py), with its
 * online L2 (`l2RegularizationStrength`), shrinkage L2 and `beta`. Per variable, n₀ = initial value:
 *   g' = g + 2·l2Shrinkage·w;  n' = n + g²
 *   z ← z + g' − (n'^(−p) − n^(−p))/lr · w          (p = learningRatePower)
 *   w ← (clip(z, −l1, l1) − z) / (n'^(−p)/lr + 2·(l2 + β/(2·lr)));  n ← n'
 */
import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { add, clip, divide, multiply, power, square, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotGroup } from "./optimizer.js";

export interface FtrlOptions extends OptimizerOptions {
  learningRatePower?: number;
  initialAccumulatorValue?: number;
  l1RegularizationStrength?: number;
  l2RegularizationStrength?: number;
  l2ShrinkageRegularizationStrength?: number;
  beta?: number;
}

/** Keras's check and message: `name` must be ≥ 0 (or ≤ 0 with `negative`). */
function checkSign(name: string, keras: string, value: unknown, negative = false): number {
  const ok =
    typeof value === "number" && Number.isFinite(value) && (negative ? value <= 0 : value >= 0);
  if (!ok) {
    throw new ValueError(
      `Ftrl: \`${keras}\` (${name}) needs to be ${negative ? "negative" : "positive"} or zero. ` +
        `Received: ${name}=${String(value)}.`,
    );
  }
  return value as number;
}

export class Ftrl extends Optimizer {
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1RegularizationStrength: number;
  readonly l2RegularizationStrength: number;
  readonly l2ShrinkageRegularizationStrength: number;
  readonly beta: number;

  constructor(learningRate?: LearningRate | FtrlOptions, opts?: FtrlOptions);
  constructor(first?: LearningRate | FtrlOptions, more?: FtrlOptions) {
    const opts = withLearningRate("Ftrl", first, more);
    super(opts, {
      learningRate: 0.001,
      keys: [
        "learningRatePower",
        "initialAccumulatorValue",
        "l1RegularizationStrength",
        "l2RegularizationStrength",
        "l2ShrinkageRegularizationStrength",
        "beta",
      ],
    });
    this.initialAccumulatorValue = checkSign(
      "initialAccumulatorValue",
      "initial_accumulator_value",
      opts.initialAccumulatorValue ?? 0.1,
    );
    this.learningRatePower = checkSign(
      "learningRatePower",
      "learning_rate_power",
      opts.learningRatePower ?? -0.5,
      true,
    );
    this.l1RegularizationStrength = checkSign(
      "l1RegularizationStrength",
      "l1_regularization_strength",
      opts.l1RegularizationStrength ?? 0,
    );
    this.l2RegularizationStrength = checkSign(
      "l2RegularizationStrength",
      "l2_regularization_strength",
      opts.l2RegularizationStrength ?? 0,
    );
    this.l2ShrinkageRegularizationStrength = checkSign(
      "l2ShrinkageRegularizationStrength",
      "l2_shrinkage_regularization_strength",
      opts.l2ShrinkageRegularizationStrength ?? 0,
    );
    const beta = opts.beta ?? 0;
    if (typeof beta !== "number" || !Number.isFinite(beta)) {
      throw new ValueError(`Ftrl: beta must be a number; received beta=${String(beta)}`);
    }
    this.beta = beta;
  }

  protected override slotSpecs(): SlotGroup[] {
    return [[{ name: "accumulator", init: this.initialAccumulatorValue }, { name: "linear" }]];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const [accumulator, linear] = slots as [Variable, Variable];
    const p = -this.learningRatePower;
    const l2 = this.l2RegularizationStrength + this.beta / (2 * lr);
    const gShrunk = add(g, multiply(w, 2 * this.l2ShrinkageRegularizationStrength));
    const n = add(accumulator, square(g));
    const sigma = divide(subtract(power(n, p), power(accumulator, p)), lr);
    const z = add(linear, subtract(gShrunk, multiply(sigma, w)));
    linear.assign(z);
    const quadratic = add(divide(power(n, p), lr), 2 * l2);
    const l1 = this.l1RegularizationStrength;
    accumulator.assign(n);
    return divide(subtract(clip(z, -l1, l1), z), quadratic);
  }

  protected override ownConfig(): Record<string, unknown> {
    return {
      learning_rate_power: this.learningRatePower,
      initial_accumulator_value: this.initialAccumulatorValue,
      l1_regularization_strength: this.l1RegularizationStrength,
      l2_regularization_strength: this.l2RegularizationStrength,
      l2_shrinkage_regularization_strength: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    };
  }
}

/**
 * Adafactor (Shazeer & Stern 2018) as Keras 3's `Adafactor` (keras/src/optimizers/adafactor.py).
 * Weights of 2 or more dimensions keep factored second moments over their last two axes (a row
 * mean r and a column mean c); smaller ones keep a full velocity. With t = iterations + 1:
 *   ρ = min(lr, 1/√t);  α = max(ε₂, rms(w))·ρ;  β₂ₜ = 1 − t^beta2Decay;  G = g² + ε₁
 *   ≥ 2-D: r ← β₂ₜr + (1 − β₂ₜ)·mean(G, −1);  c ← β₂ₜc + (1 − β₂ₜ)·mean(G, −2);  v = (r/mean(r))⊗c
 *   else:  v ← β₂ₜv + (1 − β₂ₜ)·G
 *   u = g/√v;  w ← w − α·u / max(1, rms(u)/clipThreshold)
 * Keras defaults: lr 0.001, beta2Decay −0.8, ε₁ 1e-30, ε₂ 1e-3, clipThreshold 1, relativeStep true.
 */
import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { add, divide, maximum, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import { expandDims } from "../../ops/movement.js";
import { mean } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  Optimizer,
  type OptimizerOptions,
  type SlotGroup,
  checkBool,
  checkRange,
} from "./optimizer.js";

export interface AdafactorOptions extends OptimizerOptions {
  beta2Decay?: number;
  epsilon1?: number;
  epsilon2?: number;
  clipThreshold?: number;
  relativeStep?: boolean;
}

const rms = (x: Tensor): Tensor => sqrt(mean(square(x)));

export class Adafactor extends Optimizer {
  readonly beta2Decay: number;
  readonly epsilon1: number;
  readonly epsilon2: number;
  readonly clipThreshold: number;
  readonly relativeStep: boolean;

  constructor(learningRate?: LearningRate | AdafactorOptions, opts?: AdafactorOptions);
  constructor(first?: LearningRate | AdafactorOptions, more?: AdafactorOptions) {
    const opts = withLearningRate("Adafactor", first, more);
    super(opts, {
      learningRate: 0.001,
      keys: ["beta2Decay", "epsilon1", "epsilon2", "clipThreshold", "relativeStep"],
    });
    const w = "Adafactor";
    this.beta2Decay = checkRange(w, "beta2Decay", opts.beta2Decay ?? -0.8, [-Infinity, 0]);
    this.epsilon1 = checkRange(w, "epsilon1", opts.epsilon1 ?? 1e-30, [0, Infinity]);
    this.epsilon2 = checkRange(w, "epsilon2", opts.epsilon2 ?? 1e-3, [0, Infinity]);
    this.clipThreshold = checkRange(w, "clipThreshold", opts.clipThreshold ?? 1, [0, Infinity], {
      openLow: true,
    });
    this.relativeStep = checkBool(w, "relativeStep", opts.relativeStep ?? true);
  }

  /** Keras's order, variable by variable: r and c (2-D and larger weights only), then velocity. */
  protected override slotSpecs(): SlotGroup[] {
    const factored = (s: readonly number[]) => s.length >= 2;
    return [
      [
        { name: "r", shape: (s) => (factored(s) ? s.slice(0, -1) : null) },
        { name: "c", shape: (s) => (factored(s) ? [...s.slice(0, -2), s[s.length - 1]!] : null) },
        { name: "velocity" },
      ],
    ];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const t = this.iterations + 1;
    // Keras caps a fixed rate at 1/√t with relativeStep, and caps ρ the same way in any case.
    const rate = this.relativeStep ? Math.min(lr, 1 / Math.sqrt(t)) : lr;
    const rho = Math.min(rate, 1 / Math.sqrt(t));
    const alpha = multiply(maximum(rms(w), this.epsilon2), rho);
    const g2 = add(square(g), this.epsilon1);
    const b2 = 1 - Math.pow(t, this.beta2Decay);
    let v: Tensor;
    if (w.shape.length >= 2) {
      const [r, c, velocity] = slots as [Variable, Variable, Variable];
      const rNew = add(multiply(r, b2), multiply(mean(g2, -1), 1 - b2));
      const cNew = add(multiply(c, b2), multiply(mean(g2, -2), 1 - b2));
      r.assign(rNew);
      c.assign(cNew);
      v = multiply(expandDims(divide(rNew, mean(rNew, -1, true)), -1), expandDims(cNew, -2));
      velocity.assign(v);
    } else {
      const velocity = slots[0]!;
      v = add(multiply(velocity, b2), multiply(g2, 1 - b2));
      velocity.assign(v);
    }
    const u = divide(g, sqrt(v));
    const uHat = divide(u, maximum(divide(rms(u), this.clipThreshold), 1));
    return subtract(w, multiply(uHat, alpha));
  }

  protected override ownConfig(): Record<string, unknown> {
    return {
      beta_2_decay: this.beta2Decay,
      epsilon_1: this.epsilon1,
      epsilon_2: this.epsilon2,
      clip_threshold: this.clipThreshold,
      relative_step: this.relativeStep,
    };
  }
}

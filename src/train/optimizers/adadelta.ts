import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { add, divide, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotGroup, checkRange } from "./optimizer.js";

export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

/**
 * Adadelta (Zeiler 2012) with Keras's learning rate (default 0.001; the paper's form is lr = 1),
 * rho 0.95, ε 1e-7. With rms(x) = √(x + ε):
 *   G ← ρG + (1 − ρ)g²;  Δ = −rms(D)·g / rms(G);  D ← ρD + (1 − ρ)Δ²;  w ← w + lr·Δ
 */
export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(learningRate?: LearningRate | AdadeltaOptions, opts?: AdadeltaOptions);
  constructor(first?: LearningRate | AdadeltaOptions, more?: AdadeltaOptions) {
    const opts = withLearningRate("Adadelta", first, more);
    super(opts, { learningRate: 0.001, keys: ["rho", "epsilon"] });
    this.rho = checkRange("Adadelta", "rho", opts.rho ?? 0.95, [0, 1]);
    this.epsilon = checkRange("Adadelta", "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
  }

  protected override slotSpecs(): SlotGroup[] {
    return [[{ name: "accumulated_grad" }, { name: "accumulated_delta_var" }]];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const [accGrad, accDelta] = slots as [Variable, Variable];
    const rho = this.rho;
    const rms = (x: Tensor | Variable): Tensor => sqrt(add(x, this.epsilon));
    const G = add(multiply(accGrad, rho), multiply(square(g), 1 - rho));
    accGrad.assign(G);
    // The step without its sign: rms(D)·g / rms(G); Δ is its negative.
    const delta = divide(multiply(rms(accDelta), g), rms(G));
    accDelta.assign(add(multiply(accDelta, rho), multiply(square(delta), 1 - rho)));
    return subtract(w, multiply(delta, lr));
  }

  protected override ownConfig(): Record<string, unknown> {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}

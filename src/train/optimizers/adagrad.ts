import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { add, divide, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Optimizer, type OptimizerOptions, type SlotSpec, checkRange } from "./optimizer.js";

export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/**
 * Adagrad (Duchi et al. 2011), Keras defaults lr 0.001, initialAccumulatorValue 0.1, ε 1e-7:
 *   a ← a + g²;  w ← w − lr·g / √(a + ε)
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(learningRate?: LearningRate | AdagradOptions, opts?: AdagradOptions);
  constructor(first?: LearningRate | AdagradOptions, more?: AdagradOptions) {
    const opts = withLearningRate("Adagrad", first, more);
    super(opts, { learningRate: 0.001, keys: ["initialAccumulatorValue", "epsilon"] });
    this.initialAccumulatorValue = checkRange(
      "Adagrad",
      "initialAccumulatorValue",
      opts.initialAccumulatorValue ?? 0.1,
      [0, Infinity],
    );
    this.epsilon = checkRange("Adagrad", "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
  }

  protected override slotSpecs(): SlotSpec[] {
    return [{ name: "accumulator", init: this.initialAccumulatorValue }];
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const accumulator = slots[0]!;
    const a = add(accumulator, square(g));
    accumulator.assign(a);
    return subtract(w, divide(multiply(g, lr), sqrt(add(a, this.epsilon))));
  }

  protected override ownConfig(): Record<string, unknown> {
    return { initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

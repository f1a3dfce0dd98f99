/**
 * The draws Keras's ImageDataGenerator makes from NumPy's global legacy generator, replayed bit for
 * bit (data/datasets/random-state.ts), so a seeded `flow` or `getRandomTransform` picks Keras's
 * sample order and Keras's transform parameters: `random()`, `uniform`, `permutation` as
 * RandomState's, and `choice(values)` as `values[randint(0, n)]`.
 */
import { RandomState } from "../../data/datasets/random-state.js";
import { generatorFor } from "../../tensor/random.js";

export class LegacyRandom extends RandomState {
  /** `np.random.seed(seed)`; without a seed, one drawn from Strata's global generator (`setSeed`). */
  constructor(seed?: number) {
    super(seed === undefined ? generatorFor().uint32() : seed >>> 0);
  }

  /** `randint(0, n)`: uniform in [0, n). */
  randint(n: number): number {
    return this.randomInterval(Math.max(n - 1, 0));
  }

  choice<T>(values: readonly T[]): T {
    return values[this.randint(values.length)]!;
  }
}

/**
 * The draws Keras's ImageDataGenerator makes from NumPy's global legacy generator, replayed bit for
 * bit on MT19937 (data/datasets/random-state.ts), so a seeded `flow` or `getRandomTransform` picks
 * Keras's sample order and Keras's transform parameters.
 *
 * - `random()` is `random_sample`: 53 bits from two outputs, (a >> 5) · 2²⁶ + (b >> 6), over 2⁵³.
 * - `uniform(lo, hi)` is lo + (hi − lo) · random().
 * - `choice(values)` picks `values[randint(0, n)]`, the masked-rejection interval draw.
 * - `permutation(n)` is Fisher–Yates from the end, as `RandomState.shuffle`.
 */
import { MT19937 } from "../../data/datasets/random-state.js";
import { generatorFor } from "../../tensor/random.js";

export class LegacyRandom {
  private readonly bits: MT19937;

  /** `np.random.seed(seed)`; without a seed, one drawn from Strata's global generator (`setSeed`). */
  constructor(seed?: number) {
    const s = seed === undefined ? generatorFor().uint32() : seed >>> 0;
    this.bits = new MT19937(s);
  }

  random(): number {
    const a = this.bits.nextUint32() >>> 5;
    const b = this.bits.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  /** `randint(0, n)`: uniform in [0, n). */
  randint(n: number): number {
    const max = n - 1;
    if (max <= 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.bits.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  choice<T>(values: readonly T[]): T {
    return values[this.randint(values.length)]!;
  }

  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }
}

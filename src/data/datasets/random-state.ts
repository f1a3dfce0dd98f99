/**
 * NumPy's legacy `np.random.RandomState`, as far as the Keras dataset loaders use it: Keras splits
 * and orders Boston Housing, IMDB and Reuters with `RandomState(seed).shuffle(np.arange(n))`, so
 * returning Keras's exact train/test rows means replaying NumPy's generator bit for bit.
 *
 * - Seeding with an integer is MT19937's `init_genrand` (NumPy's `mt19937_seed`).
 * - `shuffle` of a 1-D array is Fisher–Yates from the end: for i = n−1 … 1, swap x[i] with x[j],
 *   j = `random_interval(i)`: draw 32-bit outputs masked to the smallest all-ones mask ≥ i and
 *   reject values > i (NumPy's `_shuffle_raw` + `random_interval`).
 * - `permutation(n)` is `shuffle(arange(n))`.
 */
import { ValueError } from "../../errors.js";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/** The 32-bit Mersenne Twister (Matsumoto & Nishimura), seeded as NumPy seeds it from an int. */
export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ValueError(
        `RandomState: seed must be between 0 and 2**32 - 1. Received: seed=${seed}`,
      );
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      // 1812433253 · (prev ⊕ (prev >> 30)) + i, modulo 2³² (Math.imul keeps the low 32 bits).
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** Regenerates the 624 words of state (the "twist"). */
  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k]! & UPPER) | (mt[(k + 1) % N]! & LOWER);
      mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }

  /** The next tempered 32-bit output, as an unsigned number. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/**
 * `np.random.RandomState(seed)` restricted to what Keras's data code draws from it: `shuffle` and
 * `permutation` of 1-D index arrays, `random_sample` and `uniform`.
 */
export class RandomState {
  private readonly bits: MT19937;

  constructor(seed: number) {
    this.bits = new MT19937(seed);
  }

  /** A uniform integer in [0, max] by masked rejection, exactly as NumPy's `random_interval`. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) {
      // NumPy switches to 64-bit draws here; no dataset is that long.
      throw new ValueError(
        `RandomState: intervals above 2**32 - 1 are not supported. Received: max=${max}`,
      );
    }
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.bits.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** `random_sample()`: 53 bits from two outputs, (a >> 5) · 2²⁶ + (b >> 6), over 2⁵³. */
  random(): number {
    const a = this.bits.nextUint32() >>> 5;
    const b = this.bits.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform(lo, hi)`: lo + (hi − lo) · random_sample(). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  /** Shuffles `x` in place along its only axis, as `RandomState.shuffle` does for a 1-D array. */
  shuffle<T>(x: T[] | Int32Array | Float64Array): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const tmp = x[i]!;
      x[i] = x[j]!;
      x[j] = tmp;
    }
  }

  /** `RandomState.permutation(n)`: a shuffled `arange(n)`. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }
}

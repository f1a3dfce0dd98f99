/**
 * The tuner's own seeded random numbers: a value in [0, 1) from an integer seed (KerasTuner seeds a
 * fresh `random.Random(seed)` per sample and increments the seed), and a seeded stream for the
 * Bayesian oracle's restarts. SplitMix32 mixing: small, fast and well distributed; these are not
 * Python's Mersenne Twister draws, so the values differ from KerasTuner's for the same seed.
 */

/** SplitMix32's output function: a well-mixed 32-bit value from any 32-bit input. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A uniform value in [0, 1) determined by `seed` alone. */
export function uniformFromSeed(seed: number): number {
  const hi = Math.floor(seed / 2 ** 32);
  return mix32(mix32(seed >>> 0) ^ mix32(hi + 0x632be5ab)) / 2 ** 32;
}

/** A seeded stream of uniform values in [0, 1). */
export class SeededStream {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed >>> 0);
  }

  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state) / 2 ** 32;
  }
}

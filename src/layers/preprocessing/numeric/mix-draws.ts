/**
 * Host draws for the batch-mixing layers (MixUp, CutMix): a permutation of the batch and Beta
 * samples, from a layer's seeded stream. Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b);
 * Gamma by Marsaglia and Tsang's method, with Gamma(a) = Gamma(a + 1) · U^(1/a) for a < 1.
 */
import type { Generator } from "../../../tensor/random.js";

/** A uniformly random ordering of 0 … n − 1 (Fisher–Yates). */
export function shuffledIndices(rng: Generator, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** One Gamma(shape, 1) sample, shape > 0. */
export function gammaSample(rng: Generator, shape: number): number {
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rng.uniform();
    return gammaSample(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One Beta(a, b) sample in [0, 1]. */
export function betaSample(rng: Generator, a: number, b: number): number {
  const x = gammaSample(rng, a);
  const y = gammaSample(rng, b);
  return x + y > 0 ? x / (x + y) : rng.uniform() < a / (a + b) ? 1 : 0;
}

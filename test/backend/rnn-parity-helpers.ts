import { after } from "node:test";
import { getNumThreads, setNumThreads } from "../../src/backend/registry.js";
import type { FloatArray } from "../../src/tensor/dtype.js";
import { maxAbs, rng } from "./parity-helpers.js";

/** Shared tools of the fused recurrent kernels' parity suites. */

export type Float = "f32" | "f64";
export const FLOATS: readonly Float[] = ["f32", "f64"];
export const tol = (kind: Float, ref: FloatArray) => ({
  rtol: kind === "f32" ? 2e-4 : 1e-10,
  scale: maxAbs(ref),
});

// [batch, steps, units]: single elements, vector tails (17 units = 68 gate columns), odd batches,
// and one large enough to split the batch across threads into blocks of samples.
export const SIZES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [3, 7, 5],
  [5, 2, 17],
  [17, 3, 3],
  [2, 9, 8],
  [33, 50, 21],
];

export function randomMask(batch: number, steps: number, seed: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: batch * steps }, () => (r() < 0.7 ? 1 : 0));
}

/** Runs the suite with at least n threads (so the large size splits the batch into blocks). */
export function withThreads(n: number): void {
  const initial = getNumThreads();
  setNumThreads(Math.max(initial, n));
  after(() => setNumThreads(initial));
}

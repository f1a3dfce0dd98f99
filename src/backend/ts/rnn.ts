import type { RnnParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";

/*
 * Shared parts of the fused recurrent kernels' reference (lstm.ts, gru.ts): plain loops computing
 * in float64 (JavaScript numbers), storing to the arrays' own dtype. Arrays are batch-major, so
 * sample b's row at step t starts at (b·steps + t)·width.
 */

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** out[r, :] = a[r, :]·b for `rows` rows of a read at `aRow(r)`; b is [k, n] row-major. */
export function rowsTimes(
  a: FloatArray,
  aRow: (r: number) => number,
  rows: number,
  k: number,
  b: FloatArray,
  n: number,
  out: Float64Array,
): void {
  out.fill(0, 0, rows * n);
  for (let r = 0; r < rows; r++) {
    const ao = aRow(r);
    const oo = r * n;
    for (let p = 0; p < k; p++) {
      const av = a[ao + p]!;
      const bo = p * n;
      for (let j = 0; j < n; j++) out[oo + j]! += av * b[bo + j]!;
    }
  }
}

/** The sums of the columns of x seen as [rows, width] (masked rows are zeros and add nothing). */
export function columnSums(
  x: FloatArray | Float64Array,
  rows: number,
  width: number,
): Float64Array {
  const out = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < width; q++) out[q]! += x[r * width + q]!;
  }
  return out;
}

/**
 * du = Σ_{b,t} h_{t−1}[b]ᵀ · d[b, t] for d [batch, steps, width] (the gradient of the recurrent
 * pre-activations), with h_{t−1} from hSeq and h_{−1} = h0.
 */
export function recurrentKernelGrad(
  hSeq: FloatArray,
  h0: FloatArray,
  d: FloatArray | Float64Array,
  du: FloatArray,
  p: RnnParams,
  width: number,
): void {
  const { batch: B, steps: T, units: U } = p;
  const acc = new Float64Array(U * width);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const h = t > 0 ? hSeq : h0;
      const ho = t > 0 ? (row - 1) * U : b * U;
      for (let k = 0; k < U; k++) {
        const hv = h[ho + k]!;
        for (let q = 0; q < width; q++) acc[k * width + q]! += hv * d[row * width + q]!;
      }
    }
  }
  du.set(acc);
}

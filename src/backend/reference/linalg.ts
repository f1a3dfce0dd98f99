import type { FloatArray } from "../../tensor/dtype.js";

/**
 * out[t] = op(a[t]) · op(b[t]) for t < batch, each a [m, k] · [k, n] product of dot products
 * accumulated in float64 along k. op(a)[i, p] is a[p·m + i] when transA (a stored [k, m]), else
 * a[i·k + p]; op(b)[p, j] is b[j·k + p] when transB, else b[p·n + j].
 */
export function matmul(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  batch: number,
  aBatchStride: number,
  bBatchStride: number,
): void {
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = a[t * aBatchStride + (transA ? p * m + i : i * k + p)]!;
          const bv = b[t * bBatchStride + (transB ? j * k + p : p * n + j)]!;
          acc += av * bv;
        }
        out[(t * m + i) * n + j] = acc;
      }
    }
  }
}

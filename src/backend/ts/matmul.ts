import type { FloatArray } from "../../tensor/dtype.js";

/** Naive reference; to be replaced by the blocked kernel. */
export function matmul(
  a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number,
  transA: boolean, transB: boolean, batch: number, aBatchStride: number, bBatchStride: number,
): void {
  for (let bt = 0; bt < batch; bt++) {
    const ao = bt * aBatchStride, bo = bt * bBatchStride, oo = bt * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          acc += a[ao + (transA ? p * m + i : i * k + p)]! * b[bo + (transB ? j * k + p : p * n + j)]!;
        }
        out[oo + i * n + j] = acc;
      }
    }
  }
}

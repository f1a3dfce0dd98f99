import { ValueError } from "../errors.js";

export interface Fold {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * The book's K-fold validation split: fold i validates on the i-th contiguous block of
 * floor(n / k) samples and trains on all the others.
 */
export function kFold(n: number, k: number): Fold[] {
  if (!Number.isInteger(k) || k < 2 || !Number.isInteger(n) || n < k) {
    throw new ValueError(`kFold: need integers k ≥ 2 and n ≥ k; received n=${n}, k=${k}`);
  }
  const size = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => {
    const validation = Int32Array.from({ length: size }, (_, j) => i * size + j);
    const train = new Int32Array(n - size);
    let t = 0;
    for (let j = 0; j < n; j++) if (j < i * size || j >= (i + 1) * size) train[t++] = j;
    return { train, validation };
  });
}

import type { TypedArray } from "../../tensor/dtype.js";

/**
 * Stable sort of each row of x seen as [rows, size]. NaN sorts last in both directions (NumPy puts
 * NaN last; keeping it last when descending means `topK` never returns NaN ahead of real values).
 * Ties keep their original order in both directions, as NumPy's stable sort and TF's top_k do.
 */
export function sort(
  x: TypedArray,
  values: TypedArray,
  indices: Int32Array,
  rows: number,
  size: number,
  descending: boolean,
): void {
  if (size === 0) return;
  // One comparator for every row: `base` moves with the row instead of a new closure per row.
  let base = 0;
  const sign = descending ? -1 : 1;
  const compare = (i: number, j: number): number => {
    const a = x[base + i]!;
    const b = x[base + j]!;
    if (a !== a) return b !== b ? i - j : 1;
    if (b !== b) return -1;
    if (a < b) return -sign;
    if (a > b) return sign;
    // Equal values (including -0 and +0): the tie-break on position makes the order stable
    // whatever the engine's sort algorithm is.
    return i - j;
  };
  const order = new Int32Array(size);
  for (let r = 0; r < rows; r++) {
    base = r * size;
    for (let i = 0; i < size; i++) order[i] = i;
    order.sort(compare);
    for (let i = 0; i < size; i++) {
      const k = order[i]!;
      indices[base + i] = k;
      values[base + i] = x[base + k]!;
    }
  }
}

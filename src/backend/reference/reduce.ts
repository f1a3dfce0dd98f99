import type { ReduceOp } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/*
 * Reductions, prefix sums and sorts along the middle axis of x seen as [outer, size, inner].
 * Sums and products accumulate in float64 in index order; int32 outputs of integer inputs wrap at
 * every step instead (exact modulo 2^32, as NumPy's int32 arithmetic).
 */

/** The `size` values of lane (o, i) of x seen as [outer, size, inner]. */
function lane(x: TypedArray, o: number, i: number, size: number, inner: number): number[] {
  return Array.from({ length: size }, (_, s) => x[(o * size + s) * inner + i]!);
}

/**
 * NumPy's argmax (argmin): the position of the first NaN if there is one, else of the first
 * largest (smallest) value; 0 when there are no values.
 */
export function argBest(values: readonly number[], largest: boolean): number {
  const nan = values.findIndex(Number.isNaN);
  if (nan >= 0) return nan;
  let best = 0;
  for (let s = 1; s < values.length; s++) {
    if (largest ? values[s]! > values[best]! : values[s]! < values[best]!) best = s;
  }
  return best;
}

function wraps(x: TypedArray, out: TypedArray): boolean {
  return out instanceof Int32Array && !(x instanceof Float32Array || x instanceof Float64Array);
}

/** max / min are the value at argmax / argmin (NaN propagates); NaN over an empty axis. */
export function reduce(
  op: ReduceOp,
  x: TypedArray,
  out: TypedArray,
  outer: number,
  size: number,
  inner: number,
): void {
  const int32 = wraps(x, out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const v = lane(x, o, i, size, inner);
      let r: number;
      if (op === "sum") r = v.reduce((acc, e) => (int32 ? (acc + e) | 0 : acc + e), 0);
      else if (op === "prod") r = v.reduce((acc, e) => (int32 ? Math.imul(acc, e) : acc * e), 1);
      else if (op === "argmax" || op === "argmin") r = argBest(v, op === "argmax");
      else r = size === 0 ? NaN : v[argBest(v, op === "max")]!;
      out[o * inner + i] = r;
    }
  }
}

/** Inclusive prefix sums. The accumulator starts at −0 (−0 + x = x): NumPy's first prefix is x₀. */
export function cumsum(
  x: TypedArray,
  out: TypedArray,
  outer: number,
  size: number,
  inner: number,
): void {
  const int32 = wraps(x, out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = -0;
      for (let s = 0; s < size; s++) {
        const at = (o * size + s) * inner + i;
        acc = int32 ? (acc + x[at]!) | 0 : acc + x[at]!;
        out[at] = acc;
      }
    }
  }
}

/** Ascending, or descending when `descending`; NaN after every number either way. */
function compare(a: number, b: number, descending: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  if (a === b) return 0;
  return a < b !== descending ? -1 : 1;
}

/** Stable: equal values (−0 and +0 among them) keep their order, in both directions. */
export function sort(
  x: TypedArray,
  values: TypedArray,
  indices: Int32Array,
  rows: number,
  size: number,
  descending: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const row = lane(x, r, 0, size, 1);
    const order = row.map((_, i) => i);
    order.sort((i, j) => compare(row[i]!, row[j]!, descending) || i - j);
    order.forEach((k, i) => {
      indices[r * size + i] = k;
      values[r * size + i] = row[k]!;
    });
  }
}

import type { ReduceOp } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/**
 * Reduces the middle axis of x seen as [outer, size, inner]. Max/min propagate NaN, as NumPy's do.
 * Sums and products accumulate in float64; an int32 product of integers wraps at every step
 * (Math.imul), as a double would lose the low bits past 2^53 that the int32 result keeps.
 */
export function reduce(
  op: ReduceOp,
  x: TypedArray,
  out: TypedArray,
  outer: number,
  size: number,
  inner: number,
): void {
  const intProduct =
    out instanceof Int32Array && !(x instanceof Float32Array || x instanceof Float64Array);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    const dst = o * inner;
    switch (op) {
      case "sum":
      case "prod": {
        if (op === "prod" && intProduct) {
          for (let i = 0; i < inner; i++) {
            let acc = 1;
            for (let s = 0; s < size; s++) acc = Math.imul(acc, x[base + s * inner + i]!);
            out[dst + i] = acc;
          }
          break;
        }
        const init = op === "sum" ? 0 : 1;
        if (inner === 1) {
          let acc = init;
          if (op === "sum") for (let s = 0; s < size; s++) acc += x[base + s]!;
          else for (let s = 0; s < size; s++) acc *= x[base + s]!;
          out[dst] = acc;
          break;
        }
        // Accumulate whole rows in float64 so long float32 sums keep their precision.
        const acc = new Float64Array(inner).fill(init);
        for (let s = 0; s < size; s++) {
          const row = base + s * inner;
          if (op === "sum") for (let i = 0; i < inner; i++) acc[i]! += x[row + i]!;
          else for (let i = 0; i < inner; i++) acc[i]! *= x[row + i]!;
        }
        for (let i = 0; i < inner; i++) out[dst + i] = acc[i]!;
        break;
      }
      case "max":
      case "min": {
        const isMax = op === "max";
        for (let i = 0; i < inner; i++) {
          let best = x[base + i]!;
          for (let s = 1; s < size && best === best; s++) {
            const v = x[base + s * inner + i]!;
            if (v !== v || (isMax ? v > best : v < best)) best = v;
          }
          out[dst + i] = best;
        }
        break;
      }
      case "argmax":
      case "argmin": {
        const isMax = op === "argmax";
        for (let i = 0; i < inner; i++) {
          let best = x[base + i]!;
          let at = 0;
          for (let s = 1; s < size && best === best; s++) {
            const v = x[base + s * inner + i]!;
            if (v !== v || (isMax ? v > best : v < best)) {
              best = v;
              at = s;
            }
          }
          out[dst + i] = at;
        }
        break;
      }
    }
  }
}

export function cumsum(
  x: TypedArray,
  out: TypedArray,
  outer: number,
  size: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      let acc = -0; // −0 + x = x: the first prefix is x itself, −0 included (NumPy)
      for (let s = 0; s < size; s++) {
        const at = base + s * inner + i;
        acc += x[at]!;
        out[at] = acc;
      }
    }
  }
}

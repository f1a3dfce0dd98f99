import type { FloatArray } from "../../tensor/dtype.js";
import { exp32 } from "./elementwise.js";

/** The row's max (NaN winning, as the max reduction), or 0 when it is not finite. */
function rowShift(x: FloatArray, base: number, n: number): number {
  let m = x[base]!;
  for (let j = 1; j < n; j++) {
    const v = x[base + j]!;
    if (v !== v || v > m) m = v;
  }
  return Number.isFinite(m) ? m : 0;
}

/**
 * Softmax over the last axis of rows [rows, n], with the op-by-op path's roundings: x − m in the
 * element type (m the row's max, NaN winning; 0 when not finite), e^x as the unary exp (exp32 for
 * float32), the sum in double rounded to the element type, then the division.
 */
export function softmax(x: FloatArray, out: FloatArray, rows: number, n: number): void {
  const f32 = out instanceof Float32Array;
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    const shift = rowShift(x, base, n);
    let s = 0;
    for (let j = 0; j < n; j++) {
      // Stored in out first: the store rounds the shifted value's exp as the unary kernel's does.
      out[base + j] = f32
        ? exp32(Math.fround(x[base + j]! - shift))
        : Math.exp(x[base + j]! - shift);
      s += out[base + j]!;
    }
    const sum = f32 ? Math.fround(s) : s;
    for (let j = 0; j < n; j++) out[base + j] = out[base + j]! / sum;
  }
}

/**
 * Log-softmax over the last axis of rows [rows, n], with the op-by-op path's roundings: s = x − m
 * in the element type (m as softmax's), e^s as the unary exp, the sum in double rounded to the
 * element type, its log rounded likewise, then s − log Σ in the element type.
 */
export function logSoftmax(x: FloatArray, out: FloatArray, rows: number, n: number): void {
  const f32 = out instanceof Float32Array;
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    const shift = rowShift(x, base, n);
    let s = 0;
    for (let j = 0; j < n; j++) {
      out[base + j] = x[base + j]! - shift; // the store rounds s as the subtract op's does
      const v = out[base + j]!;
      s += f32 ? Math.fround(exp32(v)) : Math.exp(v);
    }
    const lse = f32 ? Math.fround(Math.log(Math.fround(s))) : Math.log(s);
    for (let j = 0; j < n; j++) out[base + j] = out[base + j]! - lse;
  }
}

import type { StridedPlan } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/** The number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Where the `flat`-th element of `shape` (row-major order) sits in an operand read through
 * `strides`: Σ index[d] · strides[d].
 */
export function stridedOffset(
  shape: readonly number[],
  strides: readonly number[],
  flat: number,
): number {
  let offset = 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    offset += (flat % shape[d]!) * strides[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return offset;
}

export function copy(
  x: TypedArray,
  xOffset: number,
  out: TypedArray,
  outOffset: number,
  plan: StridedPlan,
): void {
  const { shape, strides } = plan;
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    out[outOffset + stridedOffset(shape, strides[1]!, i)] =
      x[xOffset + stridedOffset(shape, strides[0]!, i)]!;
  }
}

export function gather(
  x: TypedArray,
  indices: Int32Array,
  out: TypedArray,
  outer: number,
  axisSize: number,
  inner: number,
): void {
  const n = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < inner; i++) {
        out[(o * n + j) * inner + i] = x[(o * axisSize + indices[j]!) * inner + i]!;
      }
    }
  }
}

/** Adds into out's own contents, in float64, rounding once per element at the end. */
export function scatterAdd(
  updates: TypedArray,
  indices: Int32Array,
  out: TypedArray,
  outer: number,
  axisSize: number,
  inner: number,
): void {
  const n = indices.length;
  const acc = Float64Array.from(out);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < inner; i++) {
        acc[(o * axisSize + indices[j]!) * inner + i]! += updates[(o * n + j) * inner + i]!;
      }
    }
  }
  out.set(acc);
}

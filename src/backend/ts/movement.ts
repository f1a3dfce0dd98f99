import type { StridedPlan } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/** Strided view of x → strided view of out; the last axis is the inner loop. */
export function copy(
  x: TypedArray,
  xOffset: number,
  out: TypedArray,
  outOffset: number,
  plan: StridedPlan,
): void {
  const { shape } = plan;
  const sx = plan.strides[0]!;
  const so = plan.strides[1]!;
  const rank = shape.length;
  if (rank === 0) {
    out[outOffset] = x[xOffset]!;
    return;
  }
  const n = shape[rank - 1]!;
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d]!;
  if (n === 0 || rows === 0) return;
  const ix = sx[rank - 1]!;
  const io = so[rank - 1]!;
  const idx = new Int32Array(rank);
  let px = xOffset;
  let po = outOffset;
  for (let r = 0; r < rows; r++) {
    if (ix === 1 && io === 1) {
      out.set(x.subarray(px, px + n), po);
    } else {
      for (let j = 0, a = px, b = po; j < n; j++, a += ix, b += io) out[b] = x[a]!;
    }
    for (let d = rank - 2; d >= 0; d--) {
      px += sx[d]!;
      po += so[d]!;
      if (++idx[d]! < shape[d]!) break;
      px -= sx[d]! * shape[d]!;
      po -= so[d]! * shape[d]!;
      idx[d] = 0;
    }
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
  if (inner === 1) {
    // One element per index (takeAlongAxis, flat take): a plain loop beats n tiny `set` calls.
    for (let o = 0, p = 0; o < outer; o++) {
      const base = o * axisSize;
      for (let j = 0; j < n; j++) out[p++] = x[base + indices[j]!]!;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const src = (o * axisSize + indices[j]!) * inner;
      out.set(x.subarray(src, src + inner), (o * n + j) * inner);
    }
  }
}

export function scatterAdd(
  updates: TypedArray,
  indices: Int32Array,
  out: TypedArray,
  outer: number,
  axisSize: number,
  inner: number,
): void {
  const n = indices.length;
  if (inner === 1) {
    for (let o = 0, p = 0; o < outer; o++) {
      const base = o * axisSize;
      for (let j = 0; j < n; j++) out[base + indices[j]!]! += updates[p++]!;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const dst = (o * axisSize + indices[j]!) * inner;
      const src = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += updates[src + i]!;
    }
  }
}

import { noGrad, record } from "../autodiff/tape.js";
import { ValueError, fmtShape } from "../errors.js";
import { normalizeAxis } from "../tensor/shape.js";
import { type DTypeName, checkDType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, empty, hostStorage, kernels } from "./core.js";
import { reshape, transpose } from "./movement.js";

/** x seen as [outer, size, inner] around `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}

// ---------------------------------------------------------------- cumulative sums

/** Reverses `axis` (no gradient of its own: only the scans below use it). */
function flipAxis(x: Tensor, axis: number): Tensor {
  const [outer, size, inner] = around(x.shape, axis);
  const out = empty(x.shape, x.dtype);
  if (x.size === 0) return out;
  // Read the axis backwards: start at its last entry and step by −inner.
  const plan = {
    shape: [outer, size, inner],
    strides: [
      [size * inner, -inner, 1],
      [size * inner, inner, 1],
    ],
  };
  kernels().copy(x.storage, (size - 1) * inner, out.storage, 0, plan);
  return out;
}

function scanKernel(x: Tensor, axis: number): Tensor {
  const src = x.dtype === "bool" ? castTo(x, "int32") : x;
  const out = empty(x.shape, src.dtype);
  const [outer, size, inner] = around(x.shape, axis);
  kernels().cumsum(src.storage, out.storage, outer, size, inner);
  return out;
}

// y_j = Σ_{i ≤ j} x_i, so dx_i = Σ_{j ≥ i} dy_j: a cumulative sum taken from the end.
function cumsumAlong(x: Tensor, axis: number): Tensor {
  return record(scanKernel(x, axis), [x], (dy) => [reverseCumsumAlong(dy, axis)]);
}

// y_j = Σ_{i ≥ j} x_i, the transpose of the above: dx = cumsum(dy).
function reverseCumsumAlong(x: Tensor, axis: number): Tensor {
  const y = flipAxis(scanKernel(flipAxis(x, axis), axis), axis);
  return record(y, [x], (dy) => [cumsumAlong(dy, axis)]);
}

/** `t` cast to `dtype` when one is given (int64 is stored as int32, as everywhere). */
export function withDType(t: Tensor, dtype: DTypeName | null): Tensor {
  if (dtype === null) return t;
  return castTo(t, dtype === "int64" ? "int32" : checkDType(dtype, "dtype"));
}

/**
 * Cumulative sum along `axis`; over the flattened tensor when `axis` is omitted (NumPy, Keras).
 * bool counts in int32. `dtype` (Keras's, NumPy's): the values are cast to it before summing.
 */
export function cumsum(
  x: TensorLike,
  axis: number | null = null,
  dtype: DTypeName | null = null,
): Tensor {
  const t = withDType(asTensor(x), dtype);
  if (axis === null) return cumsumAlong(reshape(t, [t.size]), 0);
  return cumsumAlong(t, normalizeAxis(axis, t.rank, "cumsum"));
}

// ---------------------------------------------------------------- gathers along the last axis

/** Flat positions of per-row indices: row r of `indices` [rows, k] picks from row r of [rows, n]. */
function flatIndices(indices: Int32Array, k: number, n: number): Int32Array {
  const flat = new Int32Array(indices.length);
  for (let j = 0; j < indices.length; j++) flat[j] = Math.floor(j / k) * n + indices[j]!;
  return flat;
}

/** out[..., j] = x[..., idx[..., j]] (NumPy take_along_axis on the last axis). */
function takeAlongLast(x: Tensor, idx: Tensor): Tensor {
  const n = x.shape[x.rank - 1]!;
  const k = idx.shape[idx.rank - 1]!;
  const out = empty(idx.shape, x.dtype);
  if (out.size > 0) {
    kernels().gather(
      x.storage,
      hostStorage(flatIndices(idx.dataSync() as Int32Array, k, n)),
      out.storage,
      1,
      x.size,
      1,
    );
  }
  // The adjoint of a gather is a scatter-add to the same positions.
  return record(out, [x], (dy) => [scatterAlongLast(dy, idx, n)]);
}

/** Adds u[..., j] into out[..., idx[..., j]] of a zero tensor whose last axis has size n. */
function scatterAlongLast(u: Tensor, idx: Tensor, n: number): Tensor {
  const k = idx.shape[idx.rank - 1]!;
  const out = empty([...idx.shape.slice(0, -1), n], u.dtype);
  if (u.size > 0) {
    kernels().scatterAdd(
      u.storage,
      hostStorage(flatIndices(idx.dataSync() as Int32Array, k, n)),
      out.storage,
      1,
      out.size,
      1,
    );
  }
  return record(out, [u], (dy) => [takeAlongLast(dy, idx)]);
}

// ---------------------------------------------------------------- sorting

/** Swaps `axis` with the last one (its own inverse). */
function swapToLast(rank: number, axis: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[axis] = rank - 1;
  perm[rank - 1] = axis;
  return perm;
}

/** Stable sort of the last axis: sorted values (differentiable) and their int32 source indices. */
function sortLast(x: Tensor, descending: boolean): { values: Tensor; indices: Tensor } {
  const n = x.shape[x.rank - 1]!;
  const values = empty(x.shape, x.dtype);
  const indices = empty(x.shape, "int32");
  if (x.size > 0) {
    kernels().sort(x.storage, values.storage, indices.storage, x.size / n, n, descending);
  }
  // Sorting is a permutation: the gradient goes back to where each value came from.
  return { values: record(values, [x], (dy) => [scatterAlongLast(dy, indices, n)]), indices };
}

function sortAlong(x: TensorLike, axis: number, op: string, descending = false) {
  const t = asTensor(x);
  if (t.rank === 0) throw new ValueError(`${op}: x must have at least one axis; received a scalar`);
  const a = normalizeAxis(axis, t.rank, op);
  if (a === t.rank - 1) return sortLast(t, descending);
  const perm = swapToLast(t.rank, a);
  const r = sortLast(transpose(t, perm), descending);
  return { values: transpose(r.values, perm), indices: transpose(r.indices, perm) };
}

/**
 * Sorted copy along `axis` (ascending, stable, NaN last); `axis` null sorts the flattened values,
 * as NumPy does. Gradients flow back to each source.
 */
export function sort(x: TensorLike, axis: number | null = -1): Tensor {
  return axis === null ? sortAlong(flat(x), 0, "sort").values : sortAlong(x, axis, "sort").values;
}

/** The int32 indices that sort `x` along `axis` (stable: ties keep their order; NaN last). */
export function argsort(x: TensorLike, axis: number | null = -1): Tensor {
  return noGrad(() =>
    axis === null
      ? sortAlong(flat(x), 0, "argsort").indices
      : sortAlong(x, axis, "argsort").indices,
  );
}

const flat = (x: TensorLike): Tensor => reshape(asTensor(x), [-1]);

/**
 * The `k` largest entries along the last axis and their int32 indices, largest first; equal
 * values keep their order (the lower index first, as TF's top_k). NaN counts as the smallest.
 * `sorted = false` is accepted: Keras leaves that order unspecified, and it is sorted here too;
 * so is `isStable` (Keras 3.16): the order of ties is always the stable one.
 * The values are differentiable: the gradient lands on the indices that were picked.
 */
export function topK(x: TensorLike, k: number, sorted = true, isStable = true): [Tensor, Tensor] {
  const t = asTensor(x);
  if (t.rank === 0) throw new ValueError(`topK: x must have at least one axis; received a scalar`);
  const n = t.shape[t.rank - 1]!;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new ValueError(
      `topK: k must be an integer in [0, ${n}] (the last axis of ${fmtShape(t.shape)}); received ${k}`,
    );
  }
  if (typeof sorted !== "boolean") {
    throw new ValueError(`topK: sorted must be a boolean; received ${String(sorted)}`);
  }
  if (typeof isStable !== "boolean") {
    throw new ValueError(`topK: isStable must be a boolean; received ${String(isStable)}`);
  }
  const order = noGrad(() => sortLast(t, true).indices);
  const rows = t.size / Math.max(n, 1);
  const top = empty([...t.shape.slice(0, -1), k], "int32");
  // The first k of each row of the order.
  kernels().copy(order.storage, 0, top.storage, 0, {
    shape: [rows, k],
    strides: [
      [n, 1],
      [k, 1],
    ],
  });
  return [takeAlongLast(t, top), top];
}

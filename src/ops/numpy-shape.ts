/**
 * keras.ops.numpy's shape, stacking, splitting, diagonal and triangle ops, composed of movement,
 * join and gather ops so that every backend runs them and their gradients come from the parts.
 * Index tables (diagonals, triangles) are built on the host: they depend on shapes only.
 */
import { record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { eye, full, tensor, zeros } from "../tensor/creation.js";
import { type DTypeName, checkNumericDType } from "../tensor/dtype.js";
import { normalizeAxis } from "../tensor/shape.js";
import { type Tensor, copyTensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import { where } from "./elementwise.js";
import { take } from "./gather.js";
import { concatenate, split } from "./join.js";
import { broadcastTo, reshape, transpose } from "./movement.js";
import { sum } from "./reduce.js";
import { flip } from "./tile.js";

/** keras.ops.ravel: the flattened tensor. */
export function ravel(x: TensorLike): Tensor {
  return reshape(asTensor(x), [-1]);
}
/** keras.ops.ndim: the rank (a number, as Keras returns a Python int). */
export function ndim(x: TensorLike): number {
  return asTensor(x).rank;
}
/** keras.ops.size: the element count (a number). */
export function size(x: TensorLike): number {
  return asTensor(x).size;
}
/** keras.ops.shape: the shape as an array of numbers (Keras's tuple). */
export function shape(x: TensorLike): number[] {
  return [...asTensor(x).shape];
}

/** Exchanges two axes. */
export function swapaxes(x: TensorLike, axis1: number, axis2: number): Tensor {
  const t = asTensor(x);
  const a = normalizeAxis(axis1, t.rank, "swapaxes");
  const b = normalizeAxis(axis2, t.rank, "swapaxes");
  const perm = [...t.shape.keys()];
  [perm[a], perm[b]] = [b, a];
  return transpose(t, perm);
}

/** Moves axes `source` to positions `destination`, the others keeping their order. */
export function moveaxis(
  x: TensorLike,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  const t = asTensor(x);
  const src = (typeof source === "number" ? [source] : [...source]).map((a) =>
    normalizeAxis(a, t.rank, "moveaxis"),
  );
  const dst = (typeof destination === "number" ? [destination] : [...destination]).map((a) =>
    normalizeAxis(a, t.rank, "moveaxis"),
  );
  if (
    src.length !== dst.length ||
    new Set(src).size !== src.length ||
    new Set(dst).size !== dst.length
  ) {
    throw new ValueError(
      `moveaxis: source and destination must be distinct axes of equal count; received ` +
        `${JSON.stringify(source)} and ${JSON.stringify(destination)}`,
    );
  }
  const rest = [...t.shape.keys()].filter((a) => !src.includes(a));
  const perm = new Array<number>(t.rank);
  dst.forEach((d, i) => (perm[d] = src[i]!));
  for (let i = 0; i < t.rank; i++) if (perm[i] === undefined) perm[i] = rest.shift()!;
  return transpose(t, perm);
}

/** Rolls elements along `axis` (the flattened tensor when null) by `shift`; they wrap around. */
export function roll(
  x: TensorLike,
  shift: number | readonly number[],
  axis: number | readonly number[] | null = null,
): Tensor {
  const t = asTensor(x);
  if (axis === null) {
    if (typeof shift !== "number") {
      throw new ValueError(
        `roll: with axis null, shift must be one number; received ${JSON.stringify(shift)}`,
      );
    }
    return reshape(roll(reshape(t, [-1]), shift, 0), t.shape);
  }
  const axes = typeof axis === "number" ? [axis] : [...axis];
  const shifts = typeof shift === "number" ? axes.map(() => shift) : [...shift];
  if (shifts.length !== axes.length) {
    throw new ValueError(
      `roll: shift and axis must have the same length; received ${JSON.stringify(shift)} and ${JSON.stringify(axis)}`,
    );
  }
  let out = t;
  axes.forEach((ax, i) => {
    const a = normalizeAxis(ax, t.rank, "roll");
    const n = t.shape[a]!;
    if (!Number.isInteger(shifts[i])) {
      throw new ValueError(`roll: shifts must be integers; received ${shifts[i]}`);
    }
    const k = n === 0 ? 0 : ((shifts[i]! % n) + n) % n;
    if (k === 0) return;
    const [head, tail] = split(out, [n - k], a);
    out = concatenate([tail!, head!], a);
  });
  return out === t ? copy(t) : out;
}

/** Reverses axis 0. */
export function flipud(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (t.rank < 1) throw new ShapeError("flipud: x must have at least one axis; received a scalar");
  return flip(t, 0);
}
/** Reverses axis 1. */
export function fliplr(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (t.rank < 2) {
    throw new ShapeError(
      `fliplr: x must have at least two axes; received shape ${fmtShape(t.shape)}`,
    );
  }
  return flip(t, 1);
}

/** Rotates by 90° `k` times in the plane of `axes`, from the first axis towards the second. */
export function rot90(array: TensorLike, k = 1, axes: readonly [number, number] = [0, 1]): Tensor {
  const t = asTensor(array);
  if (t.rank < 2) {
    throw new ShapeError(
      `rot90: array must have at least two axes; received shape ${fmtShape(t.shape)}`,
    );
  }
  if (!Array.isArray(axes) || axes.length !== 2) {
    throw new ValueError(`rot90: axes must be two axes; received ${JSON.stringify(axes)}`);
  }
  const a0 = normalizeAxis(axes[0], t.rank, "rot90");
  const a1 = normalizeAxis(axes[1], t.rank, "rot90");
  if (a0 === a1)
    throw new ValueError(`rot90: the two axes must differ; received ${JSON.stringify(axes)}`);
  if (!Number.isInteger(k)) throw new ValueError(`rot90: k must be an integer; received ${k}`);
  const r = ((k % 4) + 4) % 4;
  if (r === 0) return copy(t);
  if (r === 2) return flip(flip(t, a0), a1);
  return r === 1 ? swapaxes(flip(t, a1), a0, a1) : flip(swapaxes(t, a0, a1), a1);
}

// ---------------------------------------------------------------- triangles and diagonals

/** Ones at and below the `k`-th diagonal of an N×M matrix (float32 by default). */
export function tri(
  N: number,
  M: number | null = null,
  k = 0,
  dtype: DTypeName | null = null,
): Tensor {
  const m = M ?? N;
  for (const [name, v] of [
    ["N", N],
    ["M", m],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new ValueError(`tri: ${name} must be a non-negative integer; received ${v}`);
    }
  }
  const values = new Float64Array(N * m);
  for (let i = 0; i < N; i++) for (let j = 0; j < m; j++) values[i * m + j] = j <= i + k ? 1 : 0;
  return castTo(tensor(values, [N, m]), checkNumericDType(dtype ?? "float32", "tri"));
}

function triangle(x: TensorLike, k: number, lower: boolean, op: string): Tensor {
  const t = asTensor(x);
  if (t.rank < 2)
    throw new ShapeError(
      `${op}: x must have at least two axes; received shape ${fmtShape(t.shape)}`,
    );
  if (!Number.isInteger(k)) throw new ValueError(`${op}: k must be an integer; received ${k}`);
  const [n, m] = t.shape.slice(-2) as [number, number];
  const keep = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) keep[i * m + j] = (lower ? j <= i + k : j >= i + k) ? 1 : 0;
  }
  return where(tensor(keep, [n, m], "bool"), t, castTo(zeros([], "float32"), t.dtype));
}
/** Zeros above the `k`-th diagonal of the last two axes. */
export function tril(x: TensorLike, k = 0): Tensor {
  return triangle(x, k, true, "tril");
}
/** Zeros below the `k`-th diagonal of the last two axes. */
export function triu(x: TensorLike, k = 0): Tensor {
  return triangle(x, k, false, "triu");
}

/** The (row, col) pairs of the `offset` diagonal of an n×m matrix. */
function diagonalCells(n: number, m: number, offset: number): [number, number][] {
  const cells: [number, number][] = [];
  for (let i = Math.max(0, -offset); i < n && i + offset < m; i++) cells.push([i, i + offset]);
  return cells;
}

/**
 * The `offset` diagonal of the planes spanned by `axis1` and `axis2`, appended as the last axis
 * (NumPy's layout).
 */
export function diagonal(x: TensorLike, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  const t = asTensor(x);
  if (t.rank < 2) {
    throw new ShapeError(
      `diagonal: x must have at least two axes; received shape ${fmtShape(t.shape)}`,
    );
  }
  const a = normalizeAxis(axis1, t.rank, "diagonal");
  const b = normalizeAxis(axis2, t.rank, "diagonal");
  if (a === b)
    throw new ValueError(`diagonal: axis1 and axis2 must differ; received ${axis1} and ${axis2}`);
  if (!Number.isInteger(offset))
    throw new ValueError(`diagonal: offset must be an integer; received ${offset}`);
  const moved = moveaxis(t, [a, b], [-2, -1]);
  const [n, m] = [t.shape[a]!, t.shape[b]!];
  const flat = reshape(moved, [...moved.shape.slice(0, -2), n * m]);
  const cells = diagonalCells(n, m, offset);
  return take(
    flat,
    tensor(
      Int32Array.from(cells, ([i, j]) => i * m + j),
      [cells.length],
    ),
    -1,
  );
}

/** Sum along the `offset` diagonal; bool counts in int32. */
export function trace(x: TensorLike, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  return sum(diagonal(x, offset, axis1, axis2), -1);
}

/** A 1-D x on the `k`-th diagonal of a square matrix; of a 2-D x, its `k`-th diagonal. */
export function diag(x: TensorLike, k = 0): Tensor {
  const t = asTensor(x);
  if (!Number.isInteger(k)) throw new ValueError(`diag: k must be an integer; received ${k}`);
  if (t.rank === 2) return diagonal(t, k);
  if (t.rank !== 1)
    throw new ShapeError(`diag: x must be 1-D or 2-D; received shape ${fmtShape(t.shape)}`);
  const len = t.shape[0]!;
  const n = len + Math.abs(k);
  const index = new Int32Array(n * n);
  const mask = new Uint8Array(n * n);
  diagonalCells(n, n, k).forEach(([i, j], p) => {
    index[i * n + j] = p;
    mask[i * n + j] = 1;
  });
  if (len === 0) return zeros([n, n], t.dtype as DTypeName);
  const picked = take(t, tensor(index, [n, n]));
  return where(tensor(mask, [n, n], "bool"), picked, castTo(zeros([], "float32"), t.dtype));
}

/** The flattened x on the `k`-th diagonal of a square matrix. */
export function diagflat(x: TensorLike, k = 0): Tensor {
  return diag(ravel(x), k);
}

// ---------------------------------------------------------------- stacking and splitting

function atLeast(t: Tensor, rank: 2 | 3): Tensor {
  if (t.rank >= rank) return t;
  if (rank === 2) return reshape(t, t.rank === 0 ? [1, 1] : [1, t.size]);
  if (t.rank === 0) return reshape(t, [1, 1, 1]);
  if (t.rank === 1) return reshape(t, [1, t.size, 1]);
  return reshape(t, [...t.shape, 1]);
}
function tensors(xs: readonly TensorLike[], op: string): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ValueError(`${op}: xs must be a non-empty list of tensors`);
  }
  return xs.map((x) => asTensor(x));
}

/** Joins along axis 1 (axis 0 for 1-D inputs). */
export function hstack(xs: readonly TensorLike[]): Tensor {
  const ts = tensors(xs, "hstack").map((t) => (t.rank === 0 ? reshape(t, [1]) : t));
  return concatenate(ts, ts[0]!.rank === 1 ? 0 : 1);
}
/** Joins along axis 0, 1-D inputs as rows. */
export function vstack(xs: readonly TensorLike[]): Tensor {
  return concatenate(
    tensors(xs, "vstack").map((t) => atLeast(t, 2)),
    0,
  );
}
/** Joins along axis 2, inputs made at least 3-D ((N,) → (1, N, 1), (M, N) → (M, N, 1)). */
export function dstack(xs: readonly TensorLike[]): Tensor {
  return concatenate(
    tensors(xs, "dstack").map((t) => atLeast(t, 3)),
    2,
  );
}
/** 1-D inputs as columns, then joined along axis 1. */
export function columnStack(xs: readonly TensorLike[]): Tensor {
  const ts = tensors(xs, "columnStack").map((t) =>
    t.rank === 0 ? reshape(t, [1, 1]) : t.rank === 1 ? reshape(t, [t.size, 1]) : t,
  );
  return concatenate(ts, 1);
}

/** Splits along axis 1 (axis 0 for 1-D x). */
export function hsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[] {
  const t = asTensor(x);
  if (t.rank === 0)
    throw new ShapeError("hsplit: x must have at least one axis; received a scalar");
  return split(t, indicesOrSections, t.rank === 1 ? 0 : 1);
}
/** Splits along axis 0 (x at least 2-D). */
export function vsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[] {
  const t = asTensor(x);
  if (t.rank < 2)
    throw new ShapeError(
      `vsplit: x must have at least two axes; received shape ${fmtShape(t.shape)}`,
    );
  return split(t, indicesOrSections, 0);
}
/** Splits along axis 2 (x at least 3-D). */
export function dsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[] {
  const t = asTensor(x);
  if (t.rank < 3)
    throw new ShapeError(
      `dsplit: x must have at least three axes; received shape ${fmtShape(t.shape)}`,
    );
  return split(t, indicesOrSections, 2);
}
/**
 * split that allows sections that do not divide the axis: the first (size mod k) pieces get one
 * element more (NumPy's array_split).
 */
export function arraySplit(
  x: TensorLike,
  indicesOrSections: number | readonly number[],
  axis = 0,
): Tensor[] {
  const t = asTensor(x);
  if (typeof indicesOrSections !== "number") return split(t, indicesOrSections, axis);
  const k = indicesOrSections;
  if (!Number.isInteger(k) || k < 1) {
    throw new ValueError(
      `arraySplit: the number of sections must be a positive integer; received ${k}`,
    );
  }
  if (t.rank === 0)
    throw new ShapeError("arraySplit: x must have at least one axis; received a scalar");
  const n = t.shape[normalizeAxis(axis, t.rank, "arraySplit")]!;
  const base = Math.floor(n / k);
  const extra = n % k;
  const points: number[] = [];
  let at = 0;
  for (let i = 0; i < k - 1; i++) points.push((at += base + (i < extra ? 1 : 0)));
  return split(t, points, axis);
}

// ---------------------------------------------------------------- creation

/** A new tensor with x's values; the gradient passes through. */
export function copy(x: TensorLike): Tensor {
  const t = asTensor(x);
  const y = copyTensor(t, t.dtype);
  return record(y, [t], (dy) => [dy]);
}
/** The n×n identity matrix (float32 by default). */
export function identity(n: number, dtype: DTypeName | null = null): Tensor {
  return eye(n, n, 0, dtype ?? "float32");
}
/** keras.ops.empty: a tensor of `shape` (zero-filled here; Keras leaves it unspecified). */
export function empty(shape: readonly number[], dtype: DTypeName | null = null): Tensor {
  return zeros(shape, dtype ?? "float32");
}
/** keras.ops.empty_like: x's shape (zero-filled), x's dtype unless given. */
export function emptyLike(x: TensorLike, dtype: DTypeName | null = null): Tensor {
  const t = asTensor(x);
  return zeros(t.shape, dtype ?? (t.dtype as DTypeName));
}
/** x's shape filled with `fillValue` (a number or a tensor broadcast to it), x's dtype unless given. */
export function fullLike(
  x: TensorLike,
  fillValue: TensorLike,
  dtype: DTypeName | null = null,
): Tensor {
  const t = asTensor(x);
  const dt = dtype ?? (t.dtype as DTypeName);
  if (typeof fillValue === "number" || typeof fillValue === "boolean")
    return full(t.shape, fillValue, dt);
  const v = asTensor(fillValue);
  return broadcastTo(
    castTo(v, checkNumericDType(dt === "int64" ? "int32" : dt, "fullLike")),
    t.shape,
  );
}

import { noGrad, record, recordAll } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { zeros } from "../tensor/creation.js";
import { promoteTypes } from "../tensor/dtype.js";
import { collapseAxes, normalizeAxis, sameShape, sizeOf, stridesOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkInts, copyBox, onesOf, sliceBox, zerosOf } from "./boxes.js";
import { type TensorLike, asTensor, empty, kernels } from "./core.js";
import { cast } from "./elementwise.js";
import { reshape } from "./movement.js";
import { anyStrings, moveStrings } from "./strings.js";

// ---------------------------------------------------------------- joining and splitting

/**
 * Joins tensors along an existing axis. They must share rank and every other dimension; the
 * result has their promoted dtype. d concatenate = the matching slice of dy for each input.
 */
export function concatenate(xs: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ValueError("concatenate: xs must be a non-empty array of tensors");
  }
  const ts0 = xs.map((x) => asTensor(x));
  if (anyStrings(ts0)) return moveStrings(ts0, (ps) => concatenate(ps, axis));
  const dtype = ts0.map((t) => t.dtype).reduce(promoteTypes);
  const ts = ts0.map((t) => cast(t, dtype));
  const first = ts[0]!;
  if (first.rank === 0)
    throw new ShapeError("concatenate: xs[0] is a scalar (rank 0); scalars cannot be concatenated");
  const a = normalizeAxis(axis, first.rank, "concatenate");
  ts.forEach((t, k) => {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        `concatenate: xs[0] has shape ${fmtShape(first.shape)} and xs[${k}] has shape ${fmtShape(t.shape)}; ` +
          `they must match on every axis except axis ${a}`,
      );
    }
  });
  if (ts.length === 1) return first;
  const shape = [...first.shape];
  shape[a] = ts.reduce((n, t) => n + t.shape[a]!, 0);
  const out = empty(shape, dtype);
  const starts: number[][] = [];
  let at = 0;
  for (const t of ts) {
    const start = zerosOf(t.rank);
    start[a] = at;
    copyBox(t, zerosOf(t.rank), onesOf(t.rank), out, start, t.shape);
    starts.push(start);
    at += t.shape[a]!;
  }
  return record(out, ts, (dy) => ts.map((t, k) => sliceBox(dy, starts[k]!, t.shape)));
}

/**
 * Joins same-shaped tensors along a new axis (an index into the result): one strided copy per
 * input into its place, with the copy plan worked out once (batching a dataset stacks every
 * element, so this is on the input pipeline's hot path). d stack = dy's slice at k for input k.
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ValueError("stack: xs must be a non-empty array of tensors");
  }
  const ts0 = xs.map((x) => asTensor(x));
  const first = ts0[0]!;
  ts0.forEach((t, k) => {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: xs[0] has shape ${fmtShape(first.shape)} and xs[${k}] has shape ${fmtShape(t.shape)}; ` +
          "all must have the same shape",
      );
    }
  });
  const a = normalizeAxis(axis, first.rank + 1, "stack");
  if (anyStrings(ts0)) return moveStrings(ts0, (ps) => stack(ps, a));
  const dtype = ts0.map((t) => t.dtype).reduce(promoteTypes);
  const ts = ts0.map((t) => cast(t, dtype));
  const shape = [...first.shape.slice(0, a), ts.length, ...first.shape.slice(a)];
  const out = empty(shape, dtype);
  if (sizeOf(first.shape) > 0) {
    const outStrides = stridesOf(shape);
    const plan = collapseAxes(first.shape, [
      stridesOf(first.shape),
      outStrides.filter((_, i) => i !== a),
    ]);
    const copy = kernels().copy;
    ts.forEach((t, k) => copy(t.storage, 0, out.storage, k * outStrides[a]!, plan));
  }
  return record(out, ts, (dy) =>
    ts.map((t, k) => {
      const start = zerosOf(shape.length);
      start[a] = k;
      return reshape(
        sliceBox(dy, start, [...shape.slice(0, a), 1, ...shape.slice(a + 1)]),
        t.shape,
      );
    }),
  );
}

/**
 * NumPy's split: a number of equal sections (which must divide the axis), or the list of points
 * where to cut (read like Python slice bounds: negative counts from the end, out-of-range clamps).
 */
export function split(
  x: TensorLike,
  indicesOrSections: number | readonly number[],
  axis = 0,
): Tensor[] {
  const t = asTensor(x);
  if (t.rank === 0) throw new ShapeError("split: x must have at least one axis; received a scalar");
  const a = normalizeAxis(axis, t.rank, "split");
  const n = t.shape[a]!;
  let bounds: number[];
  if (typeof indicesOrSections === "number") {
    const k = indicesOrSections;
    if (!Number.isInteger(k) || k < 1) {
      throw new ValueError(
        `split: the number of sections must be a positive integer; received ${k}`,
      );
    }
    if (n % k !== 0) {
      throw new ShapeError(
        `split: axis ${a} of size ${n} (shape ${fmtShape(t.shape)}) cannot be split into ${k} equal sections`,
      );
    }
    bounds = Array.from({ length: k + 1 }, (_, i) => (i * n) / k);
  } else {
    checkInts(indicesOrSections, "split", "indicesOrSections", null);
    const clamp = (p: number): number => Math.min(Math.max(p < 0 ? p + n : p, 0), n);
    bounds = [0, ...indicesOrSections.map(clamp), n];
  }
  const pieces = noGrad(() =>
    bounds.slice(1).map((end, i) => {
      const start = zerosOf(t.rank);
      start[a] = bounds[i]!;
      const size = [...t.shape];
      size[a] = Math.max(end - bounds[i]!, 0);
      return sliceBox(t, start, size);
    }),
  );
  // d split = the pieces' gradients joined back (zeros for pieces no gradient reached).
  recordAll(pieces, [t], (dys) => [
    concatenate(
      dys.map((d, i) => d ?? zeros(pieces[i]!.shape, t.dtype)),
      a,
    ),
  ]);
  return pieces;
}

/**
 * keras.ops.slice: the box of `shape` starting at `startIndices`. A size of -1 takes the rest of
 * that axis (as tf.slice does); a box reaching outside x is an error.
 */
export function slice(
  x: TensorLike,
  startIndices: readonly number[],
  shape: readonly number[],
): Tensor {
  const t = asTensor(x);
  if (
    !Array.isArray(startIndices) ||
    !Array.isArray(shape) ||
    startIndices.length !== t.rank ||
    shape.length !== t.rank
  ) {
    throw new ShapeError(
      `slice: startIndices and shape need one entry per axis of x (shape ${fmtShape(t.shape)}); ` +
        `received ${JSON.stringify(startIndices)} and ${JSON.stringify(shape)}`,
    );
  }
  checkInts(startIndices, "slice", "startIndices");
  checkInts(shape, "slice", "shape", -1);
  const size = shape.map((s, i) => (s === -1 ? Math.max(t.shape[i]! - startIndices[i]!, 0) : s));
  size.forEach((s, i) => {
    if (startIndices[i]! + s > t.shape[i]! || startIndices[i]! > t.shape[i]!) {
      throw new ShapeError(
        `slice: the box at ${fmtShape(startIndices)} of shape ${fmtShape(size)} does not fit in x of shape ` +
          `${fmtShape(t.shape)} (axis ${i})`,
      );
    }
  });
  if (sameShape(size, t.shape)) return t;
  return sliceBox(t, startIndices, size);
}

// Padding, tiling, flipping and repeating live in their own files; join.ts keeps exporting them.
export { type PadMode, pad } from "./pad.js";
export { flip, repeat, tile } from "./tile.js";

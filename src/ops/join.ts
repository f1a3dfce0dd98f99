import { noGrad, record, recordAll } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { full, tensor, zeros } from "../tensor/creation.js";
import { promoteTypes } from "../tensor/dtype.js";
import {
  collapseAxes,
  normalizeAxes,
  normalizeAxis,
  sameShape,
  sizeOf,
  stridesOf,
} from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, empty, kernels } from "./core.js";
import { cast } from "./elementwise.js";
import { take } from "./gather.js";
import { expandDims, reshape } from "./movement.js";
import { sum } from "./reduce.js";

// ---------------------------------------------------------------- strided boxes

/**
 * Copies the box of `shape` read from src at `from` (moving `step` per axis, -1 to walk backwards)
 * into dst at `to`. Slice, pad, concatenate and flip are each one or a few of these copies.
 */
function copyBox(
  src: Tensor,
  from: readonly number[],
  step: readonly number[],
  dst: Tensor,
  to: readonly number[],
  shape: readonly number[],
): void {
  if (sizeOf(shape) === 0) return;
  const ss = stridesOf(src.shape);
  const ds = stridesOf(dst.shape);
  let srcOffset = 0;
  let dstOffset = 0;
  shape.forEach((_, i) => {
    srcOffset += from[i]! * ss[i]!;
    dstOffset += to[i]! * ds[i]!;
  });
  const plan = collapseAxes(shape, [ss.map((s, i) => s * step[i]!), ds]);
  kernels().copy(src.data, srcOffset, dst.data, dstOffset, plan);
}

const zerosOf = (n: number): number[] => new Array<number>(n).fill(0);
const onesOf = (n: number): number[] => new Array<number>(n).fill(1);

/** The box of `size` at `start` in x. d slice = dy placed back at `start` in zeros. */
function sliceBox(x: Tensor, start: readonly number[], size: readonly number[]): Tensor {
  const out = empty(size, x.dtype);
  copyBox(x, start, onesOf(x.rank), out, zerosOf(x.rank), size);
  return record(out, [x], (dy) => [embed(dy, start, x.shape)]);
}

/** x written at `start` into a tensor of `shape` filled with `fill`. d embed = the slice at `start`. */
function embed(x: Tensor, start: readonly number[], shape: readonly number[], fill = 0): Tensor {
  const out = fill === 0 ? empty(shape, x.dtype) : full(shape, fill, x.dtype);
  copyBox(x, zerosOf(x.rank), onesOf(x.rank), out, start, x.shape);
  return record(out, [x], (dy) => [sliceBox(dy, start, x.shape)]);
}

/** `min` null: any integer. */
function checkInts(
  values: readonly number[],
  op: string,
  arg: string,
  min: number | null = 0,
): void {
  if (
    !Array.isArray(values) ||
    values.some((v) => !Number.isInteger(v) || (min !== null && v < min))
  ) {
    const what =
      min === null ? "integers" : min === 0 ? "non-negative integers" : `integers ≥ ${min}`;
    throw new ValueError(`${op}: ${arg} must be ${what}; received ${JSON.stringify(values)}`);
  }
}

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

/** Joins same-shaped tensors along a new axis (an index into the result). */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ValueError("stack: xs must be a non-empty array of tensors");
  }
  const ts = xs.map((x) => asTensor(x));
  const first = ts[0]!;
  ts.forEach((t, k) => {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: xs[0] has shape ${fmtShape(first.shape)} and xs[${k}] has shape ${fmtShape(t.shape)}; ` +
          "all must have the same shape",
      );
    }
  });
  const a = normalizeAxis(axis, first.rank + 1, "stack");
  return concatenate(
    ts.map((t) => expandDims(t, a)),
    a,
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

// ---------------------------------------------------------------- padding, tiling, flipping

export type PadMode = "constant" | "reflect" | "symmetric" | "edge" | "wrap";
const PAD_MODES: readonly PadMode[] = ["constant", "reflect", "symmetric", "edge", "wrap"];

/** Accepts NumPy's spellings: p, [before, after], [[before, after]] or one pair per axis. */
function padWidths(padWidth: unknown, rank: number): [number, number][] {
  const bad = (): never => {
    throw new ValueError(
      `pad: padWidth must be a number, a [before, after] pair or ${rank} such pairs; ` +
        `received ${JSON.stringify(padWidth)}`,
    );
  };
  let pairs: unknown[];
  if (typeof padWidth === "number") pairs = new Array(rank).fill([padWidth, padWidth]);
  else if (!Array.isArray(padWidth)) return bad();
  else if (padWidth.length === 2 && padWidth.every((p) => typeof p === "number"))
    pairs = new Array(rank).fill(padWidth);
  else if (padWidth.length === 1 && Array.isArray(padWidth[0]))
    pairs = new Array(rank).fill(padWidth[0]);
  else if (padWidth.length === rank) pairs = padWidth;
  else return bad();
  return pairs.map((p) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0))
      return bad();
    return [p[0], p[1]] as [number, number];
  });
}

/** Source index for output position p (p < 0 or p ≥ n lie in the padding) in a non-constant mode. */
function padSource(p: number, n: number, mode: Exclude<PadMode, "constant">): number {
  const mod = (a: number, m: number): number => ((a % m) + m) % m;
  switch (mode) {
    case "edge":
      return Math.min(Math.max(p, 0), n - 1);
    case "wrap":
      return mod(p, n);
    case "reflect": {
      // Mirror without repeating the edge: period 2(n-1), as NumPy extends it for wide pads.
      if (n === 1) return 0;
      const q = mod(p, 2 * (n - 1));
      return q < n ? q : 2 * (n - 1) - q;
    }
    case "symmetric": {
      // Mirror repeating the edge: period 2n.
      const q = mod(p, 2 * n);
      return q < n ? q : 2 * n - 1 - q;
    }
  }
}

/**
 * Pads x: `padWidth` per axis as [before, after]. "constant" fills with constantValues (d pad =
 * the slice of dy where x sits); "reflect", "symmetric", "edge" and "wrap" follow NumPy and are a
 * gather per padded axis (so padded cells send their gradient back to the cell they copy).
 */
export function pad(
  x: TensorLike,
  padWidth: number | readonly number[] | readonly (readonly number[])[],
  mode: PadMode = "constant",
  constantValues = 0,
): Tensor {
  const t = asTensor(x);
  if (!PAD_MODES.includes(mode)) {
    throw new ValueError(
      `pad: unknown mode ${JSON.stringify(mode)}; expected one of ${PAD_MODES.join(", ")}`,
    );
  }
  const widths = padWidths(padWidth, t.rank);
  if (mode !== "constant" && constantValues !== 0) {
    throw new ValueError(
      `pad: constantValues can only be given with mode "constant"; received mode ${JSON.stringify(mode)}`,
    );
  }
  if (widths.every(([b, e]) => b === 0 && e === 0)) return t;
  if (mode === "constant") {
    const shape = t.shape.map((d, i) => d + widths[i]![0] + widths[i]![1]);
    return embed(
      t,
      widths.map(([b]) => b),
      shape,
      constantValues,
    );
  }
  let y = t;
  widths.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const n = t.shape[axis]!;
    if (n === 0) {
      throw new ValueError(
        `pad: cannot pad axis ${axis} of size 0 (shape ${fmtShape(t.shape)}) in mode "${mode}"`,
      );
    }
    const idx = Int32Array.from({ length: n + before + after }, (_, j) =>
      padSource(j - before, n, mode),
    );
    y = take(y, tensor(idx), axis);
  });
  return y;
}

/**
 * NumPy's tile: repeats x `repeats[i]` times along axis i; the shorter of x.shape and repeats is
 * padded with leading 1s. The output is x broadcast through the view [r0, d0, r1, d1, …], so
 * d tile = dy seen in that view, summed over the r axes.
 */
export function tile(x: TensorLike, repeats: number | readonly number[]): Tensor {
  const t = asTensor(x);
  const reps0 = typeof repeats === "number" ? [repeats] : [...repeats];
  checkInts(reps0, "tile", "repeats");
  const rank = Math.max(reps0.length, t.rank);
  const reps = [...onesOf(rank - reps0.length), ...reps0];
  const dims = [...onesOf(rank - t.rank), ...t.shape];
  const shape = dims.map((d, i) => d * reps[i]!);
  if (reps.every((r) => r === 1)) return reshape(t, shape);
  const view = dims.flatMap((d, i) => [reps[i]!, d]);
  const xs = stridesOf(dims);
  const out = empty(shape, t.dtype);
  if (out.size > 0) {
    const plan = collapseAxes(view, [dims.flatMap((_, i) => [0, xs[i]!]), stridesOf(view)]);
    kernels().copy(t.data, 0, out.data, 0, plan);
  }
  const repAxes = reps.map((_, i) => 2 * i);
  return record(out, [t], (dy) => [reshape(sum(reshape(dy, view), repAxes), t.shape)]);
}

/** Reverses the order of elements along `axis` (all axes when omitted). d flip = flip of dy. */
export function flip(x: TensorLike, axis: number | readonly number[] | null = null): Tensor {
  const t = asTensor(x);
  const axes = normalizeAxes(axis, t.rank, "flip");
  if (axes.length === 0) return t;
  const from = t.shape.map((d, i) => (axes.includes(i) ? d - 1 : 0));
  const step = t.shape.map((_, i) => (axes.includes(i) ? -1 : 1));
  const out = empty(t.shape, t.dtype);
  copyBox(t, from, step, out, zerosOf(t.rank), t.shape);
  return record(out, [t], (dy) => [flip(dy, axes)]);
}

/**
 * NumPy's repeat: each element repeated along `axis` (x flattened when axis is omitted). A single
 * count broadcasts x through the view [..., d, r, ...] (d repeat = dy summed over r); a count per
 * element is a gather (whose gradient accumulates the copies).
 */
export function repeat(
  x: TensorLike,
  repeats: number | readonly number[],
  axis: number | null = null,
): Tensor {
  let t = asTensor(x);
  let a = 0;
  if (axis === null || axis === undefined || t.rank === 0) t = reshape(t, [t.size]);
  else a = normalizeAxis(axis, t.rank, "repeat");
  const n = t.shape[a]!;
  const counts = typeof repeats === "number" ? [repeats] : [...repeats];
  checkInts(counts, "repeat", "repeats");
  if (counts.length !== 1) {
    if (counts.length !== n) {
      throw new ShapeError(
        `repeat: repeats has ${counts.length} entries but axis ${a} of x (shape ${fmtShape(t.shape)}) has size ${n}`,
      );
    }
    const idx = Int32Array.from(counts.flatMap((c, j) => new Array<number>(c).fill(j)));
    return take(t, tensor(idx), a);
  }
  const r = counts[0]!;
  const view = [...t.shape.slice(0, a + 1), r, ...t.shape.slice(a + 1)];
  const shape = [...t.shape];
  shape[a] = n * r;
  const out = empty(shape, t.dtype);
  if (out.size > 0) {
    const xs = stridesOf(t.shape);
    const plan = collapseAxes(view, [
      [...xs.slice(0, a + 1), 0, ...xs.slice(a + 1)],
      stridesOf(view),
    ]);
    kernels().copy(t.data, 0, out.data, 0, plan);
  }
  return record(out, [t], (dy) => [sum(reshape(dy, view), a + 1)]);
}

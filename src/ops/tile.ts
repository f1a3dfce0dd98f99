import { record } from "../autodiff/tape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import { collapseAxes, normalizeAxes, normalizeAxis, stridesOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkInts, copyBox, onesOf, zerosOf } from "./boxes.js";
import { type TensorLike, asTensor, empty, kernels } from "./core.js";
import { take } from "./gather.js";
import { reshape } from "./movement.js";
import { sum } from "./reduce.js";
import { moveStrings } from "./strings.js";

// Repeating a tensor's elements: tile, repeat, and flip (which reverses them).

/**
 * NumPy's tile: repeats x `repeats[i]` times along axis i; the shorter of x.shape and repeats is
 * padded with leading 1s. The output is x broadcast through the view [r0, d0, r1, d1, …], so
 * d tile = dy seen in that view, summed over the r axes.
 */
export function tile(x: TensorLike, repeats: number | readonly number[]): Tensor {
  const t = asTensor(x);
  if (t.dtype === "string") return moveStrings([t], ([p]) => tile(p!, repeats));
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
    kernels().copy(t.storage, 0, out.storage, 0, plan);
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
    kernels().copy(t.storage, 0, out.storage, 0, plan);
  }
  return record(out, [t], (dy) => [sum(reshape(dy, view), a + 1)]);
}

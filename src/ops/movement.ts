import { record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import {
  broadcastShapes,
  broadcastStrides,
  collapseAxes,
  normalizeAxes,
  normalizeAxis,
  sameShape,
  sizeOf,
  stridesOf,
} from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, empty, kernels } from "./core.js";
import { moveStrings } from "./strings.js";

/** New shape for the same values; one entry may be -1 (inferred). Shares the buffer: no copy. */
/** New shape, one entry of which may be -1; a single number (`reshape(x, -1)`) is a rank-1 shape. */
export function reshape(x: TensorLike, newShape: number | readonly number[]): Tensor {
  const t = asTensor(x);
  const asked = typeof newShape === "number" ? [newShape] : newShape;
  const shape = [...asked];
  const unknown = shape.indexOf(-1);
  if (shape.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown))) {
    throw new ShapeError(
      `reshape: invalid target shape ${fmtShape(asked)} (only one -1 is allowed)`,
    );
  }
  if (unknown >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== unknown));
    if (known === 0 || t.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${fmtShape(t.shape)} (${t.size} values) into ${fmtShape(asked)}`,
      );
    }
    shape[unknown] = t.size / known;
  }
  if (sizeOf(shape) !== t.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${fmtShape(t.shape)} (${t.size} values) into ${fmtShape(asked)}`,
    );
  }
  if (sameShape(shape, t.shape)) return t;
  const y = t.alias(shape);
  return record(y, [t], (dy) => [reshape(dy, t.shape)]);
}

/** Permutes axes; `axes` defaults to reversing them, as NumPy does. */
export function transpose(x: TensorLike, axes?: readonly number[]): Tensor {
  const t = asTensor(x);
  const perm = axes
    ? axes.map((a) => normalizeAxis(a, t.rank, "transpose"))
    : t.shape.map((_, i) => t.rank - 1 - i);
  if (perm.length !== t.rank || new Set(perm).size !== t.rank) {
    throw new ValueError(
      `transpose: axes ${JSON.stringify(axes)} are not a permutation of ${t.rank} axes`,
    );
  }
  if (perm.every((p, i) => p === i)) return t;
  if (t.dtype === "string") return moveStrings([t], ([p]) => transpose(p!, perm));
  const shape = perm.map((p) => t.shape[p]!);
  const inStrides = stridesOf(t.shape);
  const out = empty(shape, t.dtype);
  const plan = collapseAxes(shape, [perm.map((p) => inStrides[p]!), stridesOf(shape)]);
  kernels().copy(t.storage, 0, out.storage, 0, plan);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(out, [t], (dy) => [transpose(dy, inverse)]);
}

/** Materializes x broadcast to `shape`; its gradient sums back over the broadcast axes. */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x);
  const target = broadcastShapes(t.shape, shape, "broadcastTo");
  if (!sameShape(target, shape)) {
    throw new ShapeError(
      `broadcastTo: cannot broadcast ${fmtShape(t.shape)} to ${fmtShape(shape)}`,
    );
  }
  if (sameShape(t.shape, shape)) return t;
  if (t.dtype === "string") return moveStrings([t], ([p]) => broadcastTo(p!, shape));
  const out = empty(shape, t.dtype);
  kernels().copy(
    t.storage,
    0,
    out.storage,
    0,
    collapseAxes(shape, [broadcastStrides(t.shape, shape), stridesOf(shape)]),
  );
  return record(out, [t], (dy) => [dy]);
}

/** Inserts size-1 axes at `axis` (an index into the result, possibly negative; several allowed). */
export function expandDims(x: TensorLike, axis: number | readonly number[]): Tensor {
  const t = asTensor(x);
  const list = typeof axis === "number" ? [axis] : axis;
  const rank = t.rank + list.length;
  const axes = normalizeAxes(list, rank, "expandDims");
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : t.shape[k++]!);
  return reshape(t, shape);
}

/** Removes size-1 axes: the given ones (which must have size 1) or all of them. */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = asTensor(x);
  const axes =
    axis === undefined
      ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes(axis, t.rank, "squeeze");
  for (const a of axes) {
    if (t.shape[a] !== 1) {
      throw new ShapeError(
        `squeeze: axis ${a} has size ${t.shape[a]}, not 1 (shape ${fmtShape(t.shape)})`,
      );
    }
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

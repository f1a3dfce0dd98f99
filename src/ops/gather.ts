import { record } from "../autodiff/tape.js";
import { eagerRegion } from "../jit/index.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { arange, tensor } from "../tensor/creation.js";
import { type DType, checkDType } from "../tensor/dtype.js";
import { normalizeAxis, sizeOf, stridesOf } from "../tensor/shape.js";
import { type NestedArray, type Tensor, fromValues } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, empty, kernels } from "./core.js";
import { add, equal, mod, multiply } from "./elementwise.js";
import { broadcastTo, reshape } from "./movement.js";
import { moveStrings } from "./strings.js";

// ---------------------------------------------------------------- the gather / scatter pair

/** x seen as [outer, x.shape[axis], inner]. */
function around(
  shape: readonly number[],
  axis: number,
): { outer: number; size: number; inner: number } {
  return {
    outer: sizeOf(shape.slice(0, axis)),
    size: shape[axis]!,
    inner: sizeOf(shape.slice(axis + 1)),
  };
}

/**
 * out[..., j…, ...] = x[..., idx[j…], ...]: the indices (already in range) replace `axis`.
 * d gather = scatterAdd of dy at the same indices (repeated indices accumulate).
 */
/** Gathers along `axis` at `idx` (int32, every entry in range), shaped idxShape. */
function gatherAxis(x: Tensor, idx: Tensor, idxShape: readonly number[], axis: number): Tensor {
  if (x.dtype === "string") return moveStrings([x], ([p]) => gatherAxis(p!, idx, idxShape, axis));
  const { outer, size, inner } = around(x.shape, axis);
  const out = empty([...x.shape.slice(0, axis), ...idxShape, ...x.shape.slice(axis + 1)], x.dtype);
  if (out.size > 0) kernels().gather(x.storage, idx.storage, out.storage, outer, size, inner);
  return record(out, [x], (dy) => [scatterAxis(dy, idx, idxShape, axis, x.shape)]);
}

function scatterAxis(
  updates: Tensor,
  idx: Tensor,
  idxShape: readonly number[],
  axis: number,
  shape: readonly number[],
): Tensor {
  const { outer, size, inner } = around(shape, axis);
  const out = empty(shape, updates.dtype);
  if (updates.size > 0)
    kernels().scatterAdd(updates.storage, idx.storage, out.storage, outer, size, inner);
  return record(out, [updates], (dy) => [gatherAxis(dy, idx, idxShape, axis)]);
}

/** Host index lists (a permutation, positions an op computed) as an int32 tensor. */
function hostIndices(idx: Int32Array): Tensor {
  return fromValues(idx, [idx.length]);
}

// ---------------------------------------------------------------- index checking

/**
 * Indices as a tensor of whole numbers. Plain arrays are read in float64 so large indices stay
 * exact; float tensors are accepted when every value is whole (st.tensor defaults to float32).
 */
function indexTensor(indices: TensorLike, op: string): Tensor {
  const t =
    Array.isArray(indices) || typeof indices === "number"
      ? tensor(indices as NestedArray, undefined, "float64")
      : asTensor(indices);
  if (t.dtype === "bool")
    throw new DTypeError(`${op}: indices must be integers; received a bool tensor`);
  return t;
}

/**
 * Indices into an axis of `size` as int32, negative ones counted from the end. They are checked
 * in JavaScript (whole numbers, in range) as an eager region, and wrapped by kernels, so that a
 * compiled step checks and wraps each call's indices (src/jit/).
 */
function wrappedIndices(
  ind: Tensor,
  size: number,
  op: string,
  axis: number,
  shape: readonly number[],
): Tensor {
  eagerRegion(`${op} indices`, [ind], ([t]) => checkIndices(t!, size, op, axis, shape));
  return mod(castTo(ind, "int32"), size);
}

function checkIndices(
  ind: Tensor,
  size: number,
  op: string,
  axis: number,
  shape: readonly number[],
): void {
  for (const v of ind.dataSync()) {
    if (!Number.isInteger(v))
      throw new ValueError(`${op}: indices must be whole numbers; received ${v}`);
    if (v < -size || v >= size) {
      throw new ValueError(
        `${op}: index ${v} is out of range for axis ${axis} of size ${size} (x has shape ${fmtShape(shape)})`,
      );
    }
  }
}

// ---------------------------------------------------------------- public ops

/**
 * NumPy's `take`: picks entries of x along `axis` (x flattened when axis is omitted). The result
 * has shape x.shape[:axis] + indices.shape + x.shape[axis+1:]; negative indices count from the end.
 */
export function take(x: TensorLike, indices: TensorLike, axis: number | null = null): Tensor {
  let t = asTensor(x);
  const ind = indexTensor(indices, "take");
  let a: number;
  if (axis === null || axis === undefined) {
    t = reshape(t, [t.size]);
    a = 0;
  } else {
    if (t.rank === 0)
      throw new ValueError(`take: axis ${axis} is out of range for a tensor of rank 0`);
    a = normalizeAxis(axis, t.rank, "take");
  }
  const idx = wrappedIndices(ind, t.shape[a]!, "take", a, t.shape);
  return gatherAxis(t, reshape(idx, [idx.size]), ind.shape, a);
}

/**
 * NumPy's `take_along_axis`: out[i…, j, k…] = x[i…, indices[i…, j, k…], k…]. indices has x's rank;
 * the other axes broadcast against x. With axis omitted, x is flattened and indices must be 1-D.
 */
export function takeAlongAxis(
  x: TensorLike,
  indices: TensorLike,
  axis: number | null = null,
): Tensor {
  let t = asTensor(x);
  const ind = indexTensor(indices, "takeAlongAxis");
  let a = 0;
  if (axis === null || axis === undefined) {
    t = reshape(t, [t.size]);
  } else {
    if (t.rank === 0)
      throw new ValueError(`takeAlongAxis: axis ${axis} is out of range for a tensor of rank 0`);
    a = normalizeAxis(axis, t.rank, "takeAlongAxis");
  }
  if (ind.rank !== t.rank) {
    throw new ShapeError(
      `takeAlongAxis: indices must have the rank of x (${t.rank}); received shape ${fmtShape(ind.shape)} ` +
        `for x of shape ${fmtShape(t.shape)}`,
    );
  }
  const outShape = t.shape.map((d, i) => {
    const e = ind.shape[i]!;
    if (i === a || d === 1) return e;
    if (d === e || e === 1) return d;
    throw new ShapeError(
      `takeAlongAxis: indices of shape ${fmtShape(ind.shape)} do not broadcast against x of shape ` +
        `${fmtShape(t.shape)} outside axis ${a}`,
    );
  });
  // One flat index into x per output element: x's broadcast axes contribute nothing. The part
  // from the other axes depends only on the shapes; the index's part is computed by kernels.
  const xStrides = stridesOf(t.shape).map((s, i) => (i !== a && t.shape[i] === 1 ? 0 : s));
  const base = new Int32Array(sizeOf(outShape));
  const rank = outShape.length;
  const pos = new Array<number>(rank).fill(0);
  for (let k = 0; k < base.length; k++) {
    let xi = 0;
    for (let d = 0; d < rank; d++) if (d !== a) xi += pos[d]! * xStrides[d]!;
    base[k] = xi;
    for (let d = rank - 1; d >= 0 && ++pos[d]! === outShape[d]; d--) pos[d] = 0;
  }
  const idx = wrappedIndices(ind, t.shape[a]!, "takeAlongAxis", a, t.shape);
  const along = multiply(broadcastTo(idx, outShape), xStrides[a]!);
  const flat = add(reshape(along, [base.length]), hostIndices(base));
  return gatherAxis(reshape(t, [t.size]), flat, outShape, 0);
}

/**
 * One-hot encoding: a new axis of size numClasses at `axis` (an index into the result), 1 where
 * the class equals x. Indices outside [0, numClasses) give all-zero rows, as TensorFlow does.
 * Float indices are truncated to integers first. Not differentiable (its input is an index).
 * Keras's `sparse = true` is refused: there are no sparse tensors here.
 */
export function oneHot(
  x: TensorLike,
  numClasses: number,
  axis = -1,
  dtype: DType = "float32",
  sparse = false,
): Tensor {
  const t = asTensor(x);
  checkDType(dtype, "oneHot");
  if (sparse !== false) {
    // Keras's sparse=True returns a sparse tensor; Strata's tensors are dense
    throw new ValueError(
      `oneHot: sparse outputs are not supported (Strata's tensors are dense); received sparse=${String(sparse)}`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new ValueError(
      `oneHot: numClasses must be a non-negative integer; received ${numClasses}`,
    );
  }
  const rank = t.rank + 1;
  const a = normalizeAxis(axis, rank, "oneHot");
  const labels = reshape(castTo(t, "int32"), [...t.shape.slice(0, a), 1, ...t.shape.slice(a)]);
  const classes = reshape(arange(numClasses, undefined, 1, "int32"), [
    numClasses,
    ...t.shape.slice(a).map(() => 1),
  ]);
  return castTo(equal(labels, classes), dtype);
}

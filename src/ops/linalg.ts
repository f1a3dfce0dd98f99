import { needsGrad, record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { type DType, isFloat, promoteTypes } from "../tensor/dtype.js";
import {
  broadcastShapes,
  broadcastStrides,
  collapseAxes,
  normalizeAxis,
  sizeOf,
  stridesOf,
} from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, kernels, unfilled } from "./core.js";
import { cast, multiply } from "./elementwise.js";
import { reshape, transpose } from "./movement.js";

/**
 * The one differentiable primitive of this file: Y = op(A) · op(B) over broadcast batch axes,
 * where op(A) is A or its transpose on the last two axes. Both operands are float, of one dtype,
 * at least 2-D, with matching inner sizes (checked by the callers).
 */
function gemm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const n = transB ? br : bc;
  let out: Tensor;
  if (a.rank === 2 && b.rank === 2) {
    // One product, no batch axes: the common case, without the batch plan.
    out = unfilled([m, n], a.dtype);
    if (out.size > 0) {
      kernels().matmul(a.storage, b.storage, out.storage, m, k, n, transA, transB, 1, 0, 0);
    }
  } else {
    out = batchedGemm(a, b, transA, transB, m, k, n);
  }
  // Gradients come out with the broadcast batch shape; the tape sums them back to each input.
  // A gradient no one asked for (the input data's) is skipped: it is a whole extra product.
  return record(out, [a, b], (dy) => {
    const [wantA, wantB] = [needsGrad(a), needsGrad(b)];
    if (!transA && !transB) {
      // Y = A·B:  dA = dY·Bᵀ,  dB = Aᵀ·dY
      return [wantA ? gemm(dy, b, false, true) : null, wantB ? sharedRight(b, a, dy) : null];
    }
    if (!transA && transB) {
      // Y = A·Bᵀ (B stored [n,k]):  dA = dY·B,  dB = dYᵀ·A
      return [wantA ? gemm(dy, b, false, false) : null, wantB ? sharedRight(b, dy, a) : null];
    }
    // Y = Aᵀ·B (A stored [k,m]):  dA = B·dYᵀ,  dB = A·dY. (Aᵀ·Bᵀ never arises: matmul starts
    // from A·B, and the rules here only ever produce A·Bᵀ and Aᵀ·B.)
    return [wantA ? gemm(b, dy, false, true) : null, wantB ? gemm(a, dy, false, false) : null];
  });
}

/** Y = op(A) · op(B) over broadcast batch axes (a or b of rank above 2). */
function batchedGemm(
  a: Tensor,
  b: Tensor,
  transA: boolean,
  transB: boolean,
  m: number,
  k: number,
  n: number,
): Tensor {
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch, "matmul");
  const out = unfilled([...batchShape, m, n], a.dtype);
  if (out.size === 0) return out;
  // The kernel walks one batch axis with a stride per operand (0 = broadcast); merge what axes
  // it can into that one.
  const strides = (batch: readonly number[], block: number) =>
    broadcastStrides(batch, batchShape).map((s) => s * block);
  let plan = collapseAxes(batchShape, [
    strides(aBatch, m * k),
    strides(bBatch, k * n),
    strides(batchShape, m * n),
  ]);
  let [x, y] = [a, b];
  if (plan.shape.length > 1) {
    // Broadcasts that do not merge into one axis (say [2,1]·[1,3] batches): materialize both
    // operands over the full batch, which then is one axis.
    [x, y] = [materialize(a, batchShape), materialize(b, batchShape)];
    plan = collapseAxes(batchShape, [
      strides(batchShape, m * k),
      strides(batchShape, k * n),
      strides(batchShape, m * n),
    ]);
  }
  const axis = plan.shape.length - 1;
  const batch = axis >= 0 ? plan.shape[axis]! : 1;
  const [sa, sb] = plan.strides.map((s) => (axis >= 0 ? s[axis]! : 0)) as [number, number];
  kernels().matmul(x.storage, y.storage, out.storage, m, k, n, transA, transB, batch, sa, sb);
  return out;
}

/** x's values broadcast over `batchShape` (its last two axes kept), not recorded. */
function materialize(x: Tensor, batchShape: readonly number[]): Tensor {
  const shape = [...batchShape, ...x.shape.slice(-2)];
  const out = unfilled(shape, x.dtype);
  const plan = collapseAxes(shape, [broadcastStrides(x.shape, shape), stridesOf(shape)]);
  kernels().copy(x.storage, 0, out.storage, 0, plan);
  return out;
}

/**
 * dB for a 2-D right operand shared by a batch (x[..., k] · W, the Dense layer): the batch sum
 * Σ_t Xₜᵀ·dYₜ is one product of the flattened operands, which avoids materializing one dB per
 * batch entry. Both dB rules above have the form dB = lᵀ·r.
 */
function sharedRight(b: Tensor, l: Tensor, r: Tensor): Tensor {
  if (b.rank !== 2 || (l.rank <= 2 && r.rank <= 2)) return gemm(l, r, true, false);
  const rows = (t: Tensor): Tensor =>
    reshape(t, [sizeOf(t.shape.slice(0, -1)), t.shape[t.rank - 1]!]);
  return gemm(rows(l), rows(r), true, false);
}

/** Keras/NumPy result dtype of a product: the promoted type, with bool counting in int32. */
function productType(a: Tensor, b: Tensor): DType {
  const t = promoteTypes(a.dtype, b.dtype);
  return t === "bool" ? "int32" : t;
}

/**
 * Integer products are computed in float64 and stored back to int32: every partial sum below 2^53
 * is exact, and the int32 store wraps like integer arithmetic would.
 */
function computeType(dtype: DType): "float32" | "float64" {
  return isFloat(dtype) ? dtype : "float64";
}

function product(a: Tensor, b: Tensor, op: string): Tensor {
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      `${op}: operands must be at least 1-D; received a ${fmtShape(a.shape)}, b ${fmtShape(b.shape)}`,
    );
  }
  const ka = a.shape[a.rank - 1]!;
  const kb = b.shape[b.rank === 1 ? 0 : b.rank - 2]!;
  if (ka !== kb) {
    throw new ShapeError(
      `${op}: inner dimensions differ: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`,
    );
  }
  try {
    if (a.rank > 2 || b.rank > 2) broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  } catch {
    throw new ShapeError(
      `${op}: batch dimensions cannot be broadcast: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`,
    );
  }
  const dtype = productType(a, b);
  const work = computeType(dtype);
  // A 1-D operand is promoted to a matrix (a row on the left, a column on the right) and the
  // added axis is removed from the result, as NumPy does.
  // `cast` (not castTo) so a float32 operand of a float64 product still receives its gradient.
  const x = a.rank === 1 ? reshape(cast(a, work), [1, ka]) : cast(a, work);
  const y = b.rank === 1 ? reshape(cast(b, work), [kb, 1]) : cast(b, work);
  let out = gemm(x, y, false, false);
  if (a.rank === 1 || b.rank === 1) {
    const shape = out.shape.slice(0, -2);
    if (a.rank !== 1) shape.push(out.shape[out.rank - 2]!);
    if (b.rank !== 1) shape.push(out.shape[out.rank - 1]!);
    out = reshape(out, shape);
  }
  return castTo(out, dtype);
}

/**
 * Matrix product with NumPy/Keras semantics (`keras.ops.matmul`): the last two axes multiply,
 * leading axes broadcast, a 1-D operand acts as a row (left) or column (right) vector and its
 * axis is dropped from the result. Integer operands give an int32 result, as in Keras.
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  return product(asTensor(a), asTensor(b), "matmul");
}

/**
 * NumPy's `dot` (`keras.ops.dot`): a product with a scalar is elementwise; otherwise it sums over
 * the last axis of a and the second-to-last axis of b (the only axis of a 1-D b). For b of rank
 * ≥ 3 the result has shape a.shape[:-1] + b.shape[:-2] + b.shape[-1:] (no batch broadcasting).
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  if (x.rank === 0 || y.rank === 0) return multiply(x, y);
  if (x.rank === 1 || y.rank <= 2) return product(x, y, "dot");
  const k = y.shape[y.rank - 2]!;
  if (x.shape[x.rank - 1] !== k) {
    throw new ShapeError(
      `dot: inner dimensions differ: a is ${fmtShape(x.shape)}, b is ${fmtShape(y.shape)}`,
    );
  }
  // Move b's contracted axis to the front, flatten the rest: a · [k, (b batch)·n].
  const perm = [y.rank - 2, ...y.shape.keys()].filter((d, i) => i === 0 || d !== y.rank - 2);
  const y2 = reshape(transpose(y, perm), [k, -1]);
  const out = product(x, y2, "dot");
  return reshape(out, [...x.shape.slice(0, -1), ...y.shape.slice(0, -2), y.shape[y.rank - 1]!]);
}

/** Outer product of the flattened operands (`keras.ops.outer`): out[i, j] = a[i] · b[j]. */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  return multiply(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}

/**
 * Sums products over the given axes (`keras.ops.tensordot`). `axes` is a count N (the last N
 * axes of a against the first N of b) or a pair of axis lists contracted in order.
 */
export function tensordot(
  a: TensorLike,
  b: TensorLike,
  axes: number | readonly [number | readonly number[], number | readonly number[]] = 2,
): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  let ax: number[];
  let bx: number[];
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > x.rank || axes > y.rank) {
      throw new ValueError(
        `tensordot: axes must be an integer from 0 to ${Math.min(x.rank, y.rank)}; received ${axes} ` +
          `(a is ${fmtShape(x.shape)}, b is ${fmtShape(y.shape)})`,
      );
    }
    ax = Array.from({ length: axes }, (_, i) => x.rank - axes + i);
    bx = Array.from({ length: axes }, (_, i) => i);
  } else {
    const list = (v: number | readonly number[]): number[] =>
      typeof v === "number" ? [v] : [...v];
    ax = list(axes[0]).map((d) => normalizeAxis(d, x.rank, "tensordot"));
    bx = list(axes[1]).map((d) => normalizeAxis(d, y.rank, "tensordot"));
    if (
      ax.length !== bx.length ||
      new Set(ax).size !== ax.length ||
      new Set(bx).size !== bx.length
    ) {
      throw new ValueError(
        `tensordot: axes must be two lists of distinct axes of equal length; received ${JSON.stringify(axes)}`,
      );
    }
  }
  ax.forEach((d, i) => {
    if (x.shape[d] !== y.shape[bx[i]!]) {
      throw new ShapeError(
        `tensordot: contracted sizes differ: a axis ${d} has size ${x.shape[d]}, b axis ${bx[i]} has ` +
          `size ${y.shape[bx[i]!]} (a is ${fmtShape(x.shape)}, b is ${fmtShape(y.shape)})`,
      );
    }
  });
  // a → [free_a, contracted], b → [contracted, free_b], one matrix product, then unflatten.
  const freeA = [...x.shape.keys()].filter((d) => !ax.includes(d));
  const freeB = [...y.shape.keys()].filter((d) => !bx.includes(d));
  const kSize = sizeOf(ax.map((d) => x.shape[d]!));
  const x2 = reshape(transpose(x, [...freeA, ...ax]), [
    sizeOf(freeA.map((d) => x.shape[d]!)),
    kSize,
  ]);
  const y2 = reshape(transpose(y, [...bx, ...freeB]), [
    kSize,
    sizeOf(freeB.map((d) => y.shape[d]!)),
  ]);
  const out = product(x2, y2, "tensordot");
  return reshape(out, [...freeA.map((d) => x.shape[d]!), ...freeB.map((d) => y.shape[d]!)]);
}

import type { ReduceOp } from "../backend/backend.js";
import { noGrad, record } from "../autodiff/tape.js";
import { ValueError, fmtShape } from "../errors.js";
import { full } from "../tensor/creation.js";
import { type DTypeName, isFloat } from "../tensor/dtype.js";
import { normalizeAxes, normalizeAxis } from "../tensor/shape.js";
import { type Tensor, copyTensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, empty, kernels } from "./core.js";
import {
  add,
  divide,
  equal,
  exp,
  greater,
  isfinite,
  log,
  maximum,
  minimum,
  multiply,
  sqrt,
  square,
  subtract,
  where,
} from "./elementwise.js";
import { broadcastTo, reshape } from "./movement.js";
import { withDType } from "./scan.js";

export type Axis = number | readonly number[] | null;

/** Shape with the reduced axes kept as size 1. */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/**
 * Runs a reduce kernel over `axes`, one contiguous run of axes at a time (last run first), each
 * pass seeing the tensor as [outer, size, inner].
 */
function reduceAxes(op: ReduceOp, x: Tensor, axes: readonly number[], name: string): Tensor {
  let shape = [...x.shape];
  const outDtype =
    op === "sum" || op === "prod"
      ? x.dtype === "bool" || x.dtype === "uint8"
        ? "int32"
        : x.dtype
      : x.dtype;
  if (axes.length === 0) {
    // Reducing over no axis still yields a new tensor (NumPy copies), never the input itself.
    return copyTensor(x, outDtype);
  }
  let cur: Tensor = x;
  for (let r = axes.length - 1; r >= 0;) {
    let start = r;
    while (start > 0 && axes[start - 1] === axes[start]! - 1) start--;
    const lo = axes[start]!;
    const hi = axes[r]!;
    const size = shape.slice(lo, hi + 1).reduce((a, b) => a * b, 1);
    if (size === 0 && (op === "max" || op === "min")) {
      throw new ValueError(
        `${name}: cannot reduce a zero-size axis (shape ${fmtShape(x.shape)}): no identity`,
      );
    }
    const outer = shape.slice(0, lo).reduce((a, b) => a * b, 1);
    const inner = shape.slice(hi + 1).reduce((a, b) => a * b, 1);
    shape = [...shape.slice(0, lo), ...shape.slice(hi + 1)];
    const out = empty(shape, outDtype);
    kernels().reduce(op, cur.storage, out.storage, outer, size, inner);
    cur = out;
    r = start - 1;
  }
  return cur;
}

function finish(
  y: Tensor,
  xShape: readonly number[],
  axes: readonly number[],
  keepdims: boolean,
): Tensor {
  return keepdims ? reshape(y, keptShape(xShape, axes)) : y;
}

/** Sum over `axis` (all axes when omitted). d(Σx) = dy broadcast back. */
export function sum(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t = asTensor(x);
  const axes = normalizeAxes(axis, t.rank, "sum");
  const y = reduceAxes("sum", t, axes, "sum");
  const out = record(y, [t], (dy) => [broadcastTo(reshape(dy, keptShape(t.shape, axes)), t.shape)]);
  return finish(out, t.shape, axes, keepdims);
}

export function mean(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t0 = asTensor(x);
  const t = isFloat(t0.dtype) ? t0 : castTo(t0, "float32");
  const axes = normalizeAxes(axis, t.rank, "mean");
  const count = axes.reduce((n, a) => n * t.shape[a]!, 1);
  return divide(sum(t, axes, keepdims), count);
}

/**
 * Max/min: the gradient is shared equally among tied winners, as TensorFlow does. `initial` (as
 * NumPy's and Keras's) takes part in every reduction, so an empty axis gives it.
 */
function extreme(op: "max" | "min") {
  return (
    x: TensorLike,
    axis: Axis = null,
    keepdims = false,
    initial: number | null = null,
  ): Tensor => {
    const t = asTensor(x);
    if (initial !== null) {
      const axes = normalizeAxes(axis, t.rank, op);
      if (t.size === 0)
        return full(keptOrDropped(t.shape, axes, keepdims), initial, t.dtype as DTypeName);
      const y = extreme(op)(t, axis, keepdims);
      return op === "max" ? maximum(y, initial) : minimum(y, initial);
    }
    const axes = normalizeAxes(axis, t.rank, op);
    const y = reduceAxes(op, t, axes, op);
    const out = record(y, [t], (dy) => {
      const kept = keptShape(t.shape, axes);
      const winners = castTo(equal(t, reshape(y, kept)), t.dtype);
      const share = divide(reshape(dy, kept), sum(winners, axes, true));
      return [multiply(winners, share)];
    });
    return finish(out, t.shape, axes, keepdims);
  };
}
/** The reduced shape: `axes` kept as 1 or dropped. */
function keptOrDropped(shape: readonly number[], axes: readonly number[], keepdims: boolean) {
  return keepdims
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

export const max = extreme("max");
export const min = extreme("min");

/**
 * Product; its gradient is the product of the other elements, exact even where x has zeros.
 * `dtype` (Keras's, NumPy's): the values are cast to it before multiplying.
 */
export function prod(
  x: TensorLike,
  axis: Axis = null,
  keepdims = false,
  dtype: DTypeName | null = null,
): Tensor {
  const t = withDType(asTensor(x), dtype);
  const axes = normalizeAxes(axis, t.rank, "prod");
  const y = reduceAxes("prod", t, axes, "prod");
  const out = record(y, [t], (dy) => {
    const kept = keptShape(t.shape, axes);
    const isZero = equal(t, 0);
    const zeros = reshape(reduceAxes("sum", castTo(isZero, "int32"), axes, "prod"), kept);
    const nonzero = reshape(
      reduceAxes("prod", castTo(where(isZero, 1, t), t.dtype), axes, "prod"),
      kept,
    );
    // no zero: Π/x; exactly one zero: Π of the others at that zero, 0 elsewhere; more: 0.
    const g = where(
      equal(zeros, 0),
      divide(nonzero, t),
      where(equal(zeros, 1), where(isZero, nonzero, 0), 0),
    );
    return [multiply(reshape(dy, kept), g)];
  });
  return finish(out, t.shape, axes, keepdims);
}

/** Population variance (NumPy's default, ddof = 0). */
export function variance(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t = asTensor(x);
  const m = mean(t, axis, true);
  return mean(square(subtract(t, m)), axis, keepdims);
}

export function std(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return sqrt(variance(x, axis, keepdims));
}

/** log Σ exp(x), shifted by the max so it neither overflows nor underflows. */
export function logSumExp(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t = asTensor(x);
  const m = noGrad(() => {
    const raw = max(t, axis, true);
    return where(isfinite(raw), raw, 0);
  });
  const s = log(sum(exp(subtract(t, m)), axis, true));
  const axes = normalizeAxes(axis, t.rank, "logSumExp");
  const y = add(s, m);
  return keepdims
    ? y
    : reshape(
        y,
        t.shape.filter((_, i) => !axes.includes(i)),
      );
}

function argExtreme(op: "argmax" | "argmin") {
  return (x: TensorLike, axis: number | null = null, keepdims = false): Tensor => {
    let t = asTensor(x);
    let a: number;
    if (axis === null) {
      t = reshape(t, [t.size]);
      a = 0;
    } else {
      a = normalizeAxis(axis, t.rank, op);
    }
    if (t.shape[a] === 0) throw new ValueError(`${op}: attempt to get ${op} of an empty axis`);
    const outer = t.shape.slice(0, a).reduce((p, d) => p * d, 1);
    const inner = t.shape.slice(a + 1).reduce((p, d) => p * d, 1);
    const shape = t.shape.filter((_, i) => i !== a);
    const out = empty(shape, "int32");
    kernels().reduce(op, t.storage, out.storage, outer, t.shape[a]!, inner);
    if (!keepdims) return out;
    const x0 = asTensor(x);
    return reshape(out, axis === null ? x0.shape.map(() => 1) : keptShape(x0.shape, [a]));
  };
}
export const argmax = argExtreme("argmax");
export const argmin = argExtreme("argmin");

/** True where any / all elements along `axis` are non-zero (false / true over an empty axis). */
export function any(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  return greater(sum(castTo(castTo(asTensor(x), "bool"), "int32"), axis, keepdims), 0);
}
export function all(x: TensorLike, axis: Axis = null, keepdims = false): Tensor {
  const t = asTensor(x);
  const count = normalizeAxes(axis, t.rank, "all").reduce((n, a) => n * t.shape[a]!, 1);
  return equal(sum(castTo(castTo(t, "bool"), "int32"), axis, keepdims), count);
}

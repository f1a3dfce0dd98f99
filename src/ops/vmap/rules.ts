/**
 * Batching rules: the ops that accept a `BatchedTensor` (tensor/batched.ts) and what each does
 * with it. Each wrapped op is the op itself for plain tensors; given a batch of rows it runs once
 * on the stacked rows and returns the batch of what it gives for each row. Elementwise ops line
 * the rows' axes up with the other operands (a row of rank 1 beside an operand of rank 2 gets a
 * unit axis after the batch axis, as broadcasting one row would); ops with axes shift them past
 * the batch axis. `st.ops` and the tensor methods export these forms, so a per-element function
 * written with them vectorizes; any op not listed here refuses a batch (asTensor), and the caller
 * runs the function row by row.
 */
import { BatchedTensor, NotVectorizable, isBatched } from "../../tensor/batched.js";
import { normalizeAxes, normalizeAxis } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ac from "../activations.js";
import * as ax from "../activations-extra.js";
import { asTensor } from "../core.js";
import * as el from "../elementwise.js";
import { oneHot as oneHotOp } from "../gather.js";
import { resize as resizeOp } from "../image/resize.js";
import * as mv from "../movement.js";
import * as rd from "../reduce.js";
import { flip as flipOp } from "../tile.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wraps ops of every signature
type Op = (...args: any[]) => Tensor;

/** `wrapper` under `op`'s name: functions passed as activations are written by name. */
function named<F extends Op>(wrapper: Op, op: F): F {
  return Object.defineProperty(wrapper, "name", { value: op.name }) as F;
}

/** The op's result as a batch, typed as the op's own result (a batch stands in for a tensor). */
function batch(t: Tensor): Tensor {
  return new BatchedTensor(t) as unknown as Tensor;
}

function rankOf(x: unknown): number {
  return isBatched(x) ? x.rank : asTensor(x as Parameters<typeof asTensor>[0]).rank;
}

/** Rows from every batch in `xs` must be as many. */
function rowsOf(xs: readonly unknown[]): number {
  const sizes = new Set(xs.filter(isBatched).map((b) => b.batchSize));
  if (sizes.size > 1) throw new NotVectorizable("batches of different sizes met in one op");
  return [...sizes][0]!;
}

/** An elementwise op whose first `arity` arguments are tensors that broadcast together. */
function elementwise<F extends Op>(op: F, arity: number): F {
  return named((...args: unknown[]) => {
    let batched = false;
    for (let i = 0; i < arity; i++) batched ||= isBatched(args[i]);
    if (!batched) return op(...args);
    const operands = args.slice(0, arity);
    // where(condition) alone returns indices, whose number depends on the values.
    if (operands.includes(undefined)) throw new NotVectorizable("an op without all its operands");
    const n = rowsOf(operands);
    const rank = Math.max(...operands.map(rankOf));
    const lifted = args.map((a) => {
      if (!isBatched(a)) return a;
      const units = rank - a.rank;
      return units === 0
        ? a.stacked
        : mv.reshape(a.stacked, [n, ...new Array<number>(units).fill(1), ...a.shape]);
    });
    return batch(op(...lifted));
  }, op);
}

/** Row axes (`null`: all of them) as axes of the stacked rows. */
function stackedAxes(
  axis: number | readonly number[] | null | undefined,
  rank: number,
  where: string,
) {
  if (rank === 0) throw new NotVectorizable(`${where} over a scalar row`);
  const axes =
    axis === null || axis === undefined
      ? Array.from({ length: rank }, (_, i) => i)
      : normalizeAxes(axis, rank, where);
  return axes.map((a) => a + 1);
}

/** A reduction `op(x, axis, keepdims, ...rest)` over axes of each row. */
function reduction<F extends Op>(op: F, where: string): F {
  return named(
    (
      x: unknown,
      axis?: number | readonly number[] | null,
      keepdims?: boolean,
      ...rest: unknown[]
    ) =>
      isBatched(x)
        ? batch(op(x.stacked, stackedAxes(axis, x.rank, where), keepdims, ...rest))
        : op(x, axis, keepdims, ...rest),
    op,
  );
}

/** argmax / argmin: one axis of each row (null only for rows of rank 1). */
function argReduction<F extends Op>(op: F, where: string): F {
  return named((x: unknown, axis?: number | null, keepdims?: boolean) => {
    if (!isBatched(x)) return op(x, axis, keepdims);
    if ((axis === null || axis === undefined) && x.rank !== 1)
      throw new NotVectorizable(`${where} over a flattened row`);
    return batch(op(x.stacked, stackedAxes(axis ?? 0, x.rank, where)[0], keepdims));
  }, op);
}

/** An op whose second argument is one axis or several of its (row) output or input. */
function alongAxes<F extends Op>(op: F, where: string): F {
  return named(
    (x: unknown, axis?: number | readonly number[], ...rest: unknown[]) =>
      isBatched(x)
        ? batch(op(x.stacked, stackedAxes(axis ?? -1, x.rank, where), ...rest))
        : op(x, axis, ...rest),
    op,
  );
}

// ---------------------------------------------------------------- elementwise

export const negative = elementwise(el.negative, 1);
export const abs = elementwise(el.abs, 1);
export const square = elementwise(el.square, 1);
export const sqrt = elementwise(el.sqrt, 1);
export const rsqrt = elementwise(el.rsqrt, 1);
export const reciprocal = elementwise(el.reciprocal, 1);
export const exp = elementwise(el.exp, 1);
export const expm1 = elementwise(el.expm1, 1);
export const log = elementwise(el.log, 1);
export const log1p = elementwise(el.log1p, 1);
export const sin = elementwise(el.sin, 1);
export const cos = elementwise(el.cos, 1);
export const tan = elementwise(el.tan, 1);
export const tanh = elementwise(el.tanh, 1);
export const sigmoid = elementwise(el.sigmoid, 1);
export const erf = elementwise(el.erf, 1);
export const softplus = elementwise(el.softplus, 1);
export const relu = elementwise(el.relu, 1);
export const sign = elementwise(el.sign, 1);
export const floor = elementwise(el.floor, 1);
export const ceil = elementwise(el.ceil, 1);
export const round = elementwise(el.round, 1);
export const logicalNot = elementwise(el.logicalNot, 1);
export const isnan = elementwise(el.isnan, 1);
export const isfinite = elementwise(el.isfinite, 1);
export const cast = elementwise(el.cast, 1);

export const add = elementwise(el.add, 2);
export const subtract = elementwise(el.subtract, 2);
export const multiply = elementwise(el.multiply, 2);
export const divide = elementwise(el.divide, 2);
export const power = elementwise(el.power, 2);
export const maximum = elementwise(el.maximum, 2);
export const minimum = elementwise(el.minimum, 2);
export const mod = elementwise(el.mod, 2);
export const floorDivide = elementwise(el.floorDivide, 2);
export const equal = elementwise(el.equal, 2);
export const notEqual = elementwise(el.notEqual, 2);
export const less = elementwise(el.less, 2);
export const lessEqual = elementwise(el.lessEqual, 2);
export const greater = elementwise(el.greater, 2);
export const greaterEqual = elementwise(el.greaterEqual, 2);
export const logicalAnd = elementwise(el.logicalAnd, 2);
export const logicalOr = elementwise(el.logicalOr, 2);
export const logicalXor = elementwise(el.logicalXor, 2);

export const clip = elementwise(el.clip, 3);
export const where = elementwise(el.where, 3);

export const relu6 = elementwise(ac.relu6, 1);
export const leakyRelu = elementwise(ac.leakyRelu, 1);
export const hardSigmoid = elementwise(ac.hardSigmoid, 1);
export const hardSilu = elementwise(ac.hardSilu, 1);
export const hardSwish = hardSilu;
export const elu = elementwise(ac.elu, 1);
export const selu = elementwise(ac.selu, 1);
export const gelu = elementwise(ac.gelu, 1);
export const silu = elementwise(ac.silu, 1);
export const swish = silu;
export const softsign = elementwise(ac.softsign, 1);
export const mish = elementwise(ac.mish, 1);
export const logSigmoid = elementwise(ac.logSigmoid, 1);
export const celu = elementwise(ax.celu, 1);
export const hardTanh = elementwise(ax.hardTanh, 1);
export const hardShrink = elementwise(ax.hardShrink, 1);
export const softShrink = elementwise(ax.softShrink, 1);
export const tanhShrink = elementwise(ax.tanhShrink, 1);
export const squareplus = elementwise(ax.squareplus, 1);
export const sparsePlus = elementwise(ax.sparsePlus, 1);
export const sparseSigmoid = elementwise(ax.sparseSigmoid, 1);
export const threshold = elementwise(ax.threshold, 1);

// ---------------------------------------------------------------- axes

export const softmax = alongAxes(ac.softmax, "softmax");
export const logSoftmax = alongAxes(ac.logSoftmax, "logSoftmax");

export const sum = reduction(rd.sum, "sum");
export const mean = reduction(rd.mean, "mean");
export const max = reduction(rd.max, "max");
export const min = reduction(rd.min, "min");
export const prod = reduction(rd.prod, "prod");
export const variance = reduction(rd.variance, "variance");
export const std = reduction(rd.std, "std");
export const logSumExp = reduction(rd.logSumExp, "logSumExp");
export const any = reduction(rd.any, "any");
export const all = reduction(rd.all, "all");
export const argmax = argReduction(rd.argmax, "argmax");
export const argmin = argReduction(rd.argmin, "argmin");

export const reshape: typeof mv.reshape = (x, newShape) =>
  isBatched(x)
    ? batch(
        mv.reshape(x.stacked, [
          x.batchSize,
          ...(typeof newShape === "number" ? [newShape] : newShape),
        ]),
      )
    : mv.reshape(x, newShape);

export const expandDims: typeof mv.expandDims = (x, axis) => {
  if (!isBatched(x)) return mv.expandDims(x, axis);
  const list = typeof axis === "number" ? [axis] : axis;
  const axes = normalizeAxes(list, x.rank + list.length, "expandDims");
  return batch(
    mv.expandDims(
      x.stacked,
      axes.map((a) => a + 1),
    ),
  );
};

export const squeeze: typeof mv.squeeze = (x, axis) => {
  if (!isBatched(x)) return mv.squeeze(x, axis);
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes(axis, x.rank, "squeeze");
  if (axes.length === 0) return x as unknown as Tensor;
  return batch(
    mv.squeeze(
      x.stacked,
      axes.map((a) => a + 1),
    ),
  );
};

export const transpose: typeof mv.transpose = (x, axes) => {
  if (!isBatched(x)) return mv.transpose(x, axes);
  const perm = axes
    ? axes.map((a) => normalizeAxis(a, x.rank, "transpose"))
    : x.shape.map((_, i) => x.rank - 1 - i);
  return batch(mv.transpose(x.stacked, [0, ...perm.map((p) => p + 1)]));
};

export const flip: typeof flipOp = (x, axis) =>
  isBatched(x) ? batch(flipOp(x.stacked, stackedAxes(axis, x.rank, "flip"))) : flipOp(x, axis);

export const oneHot: typeof oneHotOp = (x, numClasses, axis = -1, dtype, sparse) =>
  isBatched(x)
    ? batch(
        oneHotOp(
          x.stacked,
          numClasses,
          normalizeAxis(axis, x.rank + 1, "oneHot") + 1,
          dtype,
          sparse,
        ),
      )
    : oneHotOp(x, numClasses, axis, dtype, sparse);

/** One image per row (rank 3) resizes as a batch of images. */
export const resize: typeof resizeOp = (images, size, opts) => {
  if (!isBatched(images)) return resizeOp(images, size, opts);
  if (images.rank !== 3) throw new NotVectorizable("image.resize over rows that are batches");
  return batch(resizeOp(images.stacked, size, opts));
};

import type { PoolParams, Storage } from "../backend/backend.js";
import { isRecording, record } from "../autodiff/tape.js";
import { ShapeError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkPadding, spatialRank, spatialTuple, to3, windowAxis } from "./conv.js";
import { type TensorLike, asTensor, empty, kernels, unfilled } from "./core.js";
import { cast } from "./elementwise.js";

/*
 * Max and average pooling, channels-last, 1-D to 3-D. With "same" padding the padded cells are not
 * part of any window (TensorFlow): they never win a max and do not count in a mean.
 */

export type PoolPadding = "valid" | "same";

function plan(
  op: string,
  x: Tensor,
  poolSize: number | readonly number[],
  strides: number | readonly number[] | null | undefined,
  padding: PoolPadding,
): { params: PoolParams; outShape: number[] } {
  const n = spatialRank(x, op);
  checkPadding(padding, ["valid", "same"], op);
  const k = spatialTuple(poolSize, n, op, "poolSize");
  // Keras: strides default to the pool size (non-overlapping windows).
  const s = strides === null || strides === undefined ? k : spatialTuple(strides, n, op, "strides");
  const spatialIn = x.shape.slice(1, 1 + n);
  const outSpatial: number[] = [];
  const pads: number[] = [];
  for (let i = 0; i < n; i++) {
    if (padding === "valid" && k[i]! > spatialIn[i]!) {
      throw new ShapeError(
        `${op}: poolSize ${fmtShape(k)} is larger than inputs ${fmtShape(x.shape)} ` +
          `on spatial axis ${i} ` +
          `with padding "valid"`,
      );
    }
    const [o, before] = windowAxis(spatialIn[i]!, k[i]!, s[i]!, padding);
    outSpatial.push(o);
    pads.push(before);
  }
  const C = x.shape[x.rank - 1]!;
  const params: PoolParams = {
    batch: x.shape[0]!,
    channels: C,
    inShape: to3(spatialIn, 1),
    outShape: to3(outSpatial, 1),
    window: to3(k, 1),
    strides: to3(s, 1),
    padBefore: to3(pads, 0),
  };
  return { params, outShape: [x.shape[0]!, ...outSpatial, C] };
}

/** Pooling computes in float; integer inputs become float32 as in keras.ops. */
function floatInput(x: TensorLike): Tensor {
  const t = asTensor(x);
  return t.dtype === "float32" || t.dtype === "float64" ? t : cast(t, "float32");
}

// ---------------------------------------------------------------- max pooling
// y[j] = x[argmax[j]], a gather by the winners' flat indices: dx = scatter-add of dy to them
// (maxPoolBackprop), and the scatter's own gradient is the gather again (both are linear).

function scatterToWinners(
  dy: Tensor,
  argmax: Storage,
  p: PoolParams,
  xShape: readonly number[],
): Tensor {
  const dx = unfilled(xShape, dy.dtype);
  kernels().maxPoolBackprop(dy.storage, argmax, dx.storage, p);
  return record(dx, [dy], (g) => [gatherWinners(g, argmax, p, dy.shape)]);
}

function gatherWinners(
  x: Tensor,
  argmax: Storage,
  p: PoolParams,
  outShape: readonly number[],
): Tensor {
  const y = unfilled(outShape, x.dtype);
  kernels().gather(x.storage, argmax, y.storage, 1, x.size, 1);
  return record(y, [x], (dy) => [scatterToWinners(dy, argmax, p, x.shape)]);
}

/**
 * keras.ops.max_pool(inputs, poolSize, strides = poolSize, padding = "valid"): the largest value of
 * each window (the first one on ties, which is where the gradient goes).
 */
export function maxPool(
  inputs: TensorLike,
  poolSize: number | readonly number[],
  strides: number | readonly number[] | null = null,
  padding: PoolPadding = "valid",
): Tensor {
  const x = floatInput(inputs);
  const { params, outShape } = plan("maxPool", x, poolSize, strides, padding);
  const y = unfilled(outShape, x.dtype);
  // The winners are only kept when a gradient can flow back through them (not in inference).
  if (!isRecording([x])) {
    kernels().maxPool(x.storage, y.storage, null, params);
    return y;
  }
  const argmax = empty(outShape, "int32").storage;
  kernels().maxPool(x.storage, y.storage, argmax, params);
  return record(y, [x], (dy) => [scatterToWinners(dy, argmax, params, x.shape)]);
}

// ---------------------------------------------------------------- average pooling
// y = A x with A linear: dx = Aᵀ dy (avgPoolBackprop), and Aᵀ's own gradient is A again.

function avgPoolPrim(x: Tensor, p: PoolParams, outShape: readonly number[]): Tensor {
  const y = unfilled(outShape, x.dtype);
  kernels().avgPool(x.storage, y.storage, p);
  return record(y, [x], (dy) => [avgPoolBackPrim(dy, p, x.shape)]);
}

function avgPoolBackPrim(dy: Tensor, p: PoolParams, xShape: readonly number[]): Tensor {
  const dx = unfilled(xShape, dy.dtype);
  kernels().avgPoolBackprop(dy.storage, dx.storage, p);
  return record(dx, [dy], (g) => [avgPoolPrim(g, p, dy.shape)]);
}

/**
 * keras.ops.average_pool(inputs, poolSize, strides = poolSize, padding = "valid"): the mean of each
 * window over the cells inside the input.
 */
export function averagePool(
  inputs: TensorLike,
  poolSize: number | readonly number[],
  strides: number | readonly number[] | null = null,
  padding: PoolPadding = "valid",
): Tensor {
  const x = floatInput(inputs);
  const { params, outShape } = plan("averagePool", x, poolSize, strides, padding);
  return avgPoolPrim(x, params, outShape);
}

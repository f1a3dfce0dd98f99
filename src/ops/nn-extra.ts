/**
 * keras.ops.nn's normalization and reshaping helpers (moments, batch / layer / RMS
 * normalization, normalize, multiHot, psnr, depthToSpace, spaceToDepth), written as Keras's
 * NumPy backend computes them, from ops (so they differentiate).
 */
import { EPSILON } from "../tensor/config.js"; // Keras's backend.epsilon(), read when the op runs
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { type DType, isFloat } from "../tensor/dtype.js";
import { normalizeAxes, normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import {
  abs,
  add,
  divide,
  log,
  maximum,
  multiply,
  negative,
  power,
  rsqrt,
  square,
  subtract,
} from "./elementwise.js";
import { oneHot } from "./gather.js";
import { reshape, transpose } from "./movement.js";
import { max, mean, sum } from "./reduce.js";

function computeFloat(x: TensorLike): Tensor {
  const t = asTensor(x);
  return t.dtype === "float64" ? t : castTo(t, "float32");
}

/**
 * Mean and variance over `axes` (Keras's moments: E[x²] − E[x]², as its backends compute it).
 * `synchronized` matters only across devices; Strata runs on one.
 */
export function moments(
  x: TensorLike,
  axes: number | readonly number[],
  keepdims = false,
  synchronized = false,
): [Tensor, Tensor] {
  void synchronized;
  const t = computeFloat(x);
  const ax = normalizeAxes(axes, t.rank, "moments");
  const m = mean(t, ax, true);
  const v = maximum(subtract(mean(square(t), ax, true), square(m)), 0);
  if (keepdims) return [m, v];
  const shape = t.shape.filter((_, i) => !ax.includes(i));
  return [reshape(m, shape), reshape(v, shape)];
}

/** Reshapes a per-channel vector to broadcast along `axis` of x. */
function alongAxis(v: TensorLike | null, x: Tensor, axis: number): Tensor | null {
  if (v === null || v === undefined) return null;
  const t = castTo(asTensor(v), x.dtype);
  const shape = x.shape.map(() => 1);
  shape[axis] = t.size;
  if (t.size !== x.shape[axis]) {
    throw new ShapeError(
      `batchNormalization: a parameter of length ${t.size} does not match axis ${axis} of x (shape ${fmtShape(x.shape)})`,
    );
  }
  return reshape(t, shape);
}

/** (x − mean) / √(variance + ε) · scale + offset, the vectors laid along `axis`. */
export function batchNormalization(
  x: TensorLike,
  mean_: TensorLike,
  variance: TensorLike,
  axis: number,
  offset: TensorLike | null = null,
  scale: TensorLike | null = null,
  epsilon = 1e-3,
): Tensor {
  const t = computeFloat(x);
  const a = normalizeAxis(axis, t.rank, "batchNormalization");
  const m = alongAxis(mean_, t, a)!;
  const v = alongAxis(variance, t, a)!;
  let inv = rsqrt(add(v, epsilon));
  const s = alongAxis(scale, t, a);
  if (s) inv = multiply(inv, s);
  let res = multiply(negative(m), inv);
  const o = alongAxis(offset, t, a);
  if (o) res = add(res, o);
  return add(multiply(t, inv), res);
}

function paramShape(t: Tensor, axes: number[], p: TensorLike | null): Tensor | null {
  if (p === null || p === undefined) return null;
  const v = castTo(asTensor(p), t.dtype);
  if (v.rank === t.rank || (axes.length === 1 && axes[0] === t.rank - 1)) return v;
  return reshape(
    v,
    t.shape.map((d, i) => (axes.includes(i) ? d : 1)),
  );
}

/** Layer normalization over `axis`: (x − mean)/√(var + ε)·gamma + beta (Keras's formula). */
export function layerNormalization(
  x: TensorLike,
  gamma: TensorLike | null = null,
  beta: TensorLike | null = null,
  axis: number | readonly number[] = -1,
  epsilon: number | null = null,
): Tensor {
  const t0 = asTensor(x);
  const t = computeFloat(t0);
  const axes = normalizeAxes(axis, t.rank, "layerNormalization");
  const [m, v] = moments(t, axes, true);
  let inv = rsqrt(add(v, epsilon ?? EPSILON));
  const g = paramShape(t, axes, gamma);
  if (g) inv = multiply(inv, g);
  let res = multiply(negative(m), inv);
  const b = paramShape(t, axes, beta);
  if (b) res = add(res, b);
  const out = add(multiply(t, inv), res);
  return isFloat(t0.dtype) ? castTo(out, t0.dtype) : out;
}

/** x / √(mean(x²) + ε) · scale over `axis`. */
export function rmsNormalization(
  x: TensorLike,
  scale: TensorLike | null = null,
  axis: number | readonly number[] = -1,
  epsilon: number | null = null,
): Tensor {
  let t = computeFloat(x);
  if (t.rank === 0) t = reshape(t, [1]);
  const axes = normalizeAxes(axis, t.rank, "rmsNormalization");
  const out = multiply(t, rsqrt(add(mean(square(t), axes, true), epsilon ?? EPSILON)));
  const s = paramShape(t, axes, scale);
  return s ? multiply(out, s) : out;
}

/**
 * x divided by its `order`-norm along `axis`, the norm floored at ε (Keras's normalize; order 2
 * uses x · rsqrt(max(Σx², ε²)) so a zero vector has a finite gradient).
 */
export function normalize(
  x: TensorLike,
  axis: number | readonly number[] = -1,
  order = 2,
  epsilon: number | null = null,
): Tensor {
  if (!Number.isInteger(order) || order < 1) {
    throw new ValueError(`normalize: order must be an integer ≥ 1; received ${order}`);
  }
  let t = computeFloat(x);
  if (t.rank === 0) t = reshape(t, [1]);
  const eps = epsilon ?? EPSILON;
  if (order === 2) return multiply(t, rsqrt(maximum(sum(square(t), axis, true), eps * eps)));
  const norm = power(sum(power(abs(t), order), axis, true), 1 / order);
  return divide(t, maximum(norm, eps));
}

/**
 * Multi-hot encoding: one-hot of each label, then the max over the labels' axis (axis 1 for
 * batched input, 0 for 1-D), as Keras.
 */
export function multiHot(
  inputs: TensorLike,
  numClasses: number,
  axis = -1,
  dtype: DType | null = null,
  sparse = false,
): Tensor {
  if (sparse)
    throw new ValueError("multiHot: sparse=true is not supported (Strata has no sparse tensors)");
  const t = asTensor(inputs);
  const reduction = t.rank > 1 ? 1 : 0;
  return max(oneHot(castTo(t, "int32"), numClasses, axis, dtype ?? "float32"), reduction);
}

/** Peak signal-to-noise ratio: 20·log10(maxVal) − 10·log10(mean((x1 − x2)²)). */
export function psnr(x1: TensorLike, x2: TensorLike, maxVal: TensorLike): Tensor {
  const a = computeFloat(x1);
  const b = computeFloat(x2);
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      `psnr: input shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} must match`,
    );
  }
  const mse = mean(square(subtract(a, b)));
  const mv = castTo(asTensor(maxVal), b.dtype);
  return subtract(
    multiply(divide(log(mv), Math.LN10), 20),
    multiply(divide(log(mse), Math.LN10), 10),
  );
}

function check4d(x: Tensor, blockSize: number, dataFormat: string, op: string): void {
  if (x.rank !== 4)
    throw new ShapeError(`${op}: x must be 4-D; received shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new ValueError(`${op}: blockSize must be a positive integer; received ${blockSize}`);
  }
  if (dataFormat !== "channels_last" && dataFormat !== "channels_first") {
    throw new ValueError(
      `${op}: dataFormat must be "channels_last" or "channels_first"; received ${dataFormat}`,
    );
  }
}

/** Moves depth into blocks of space (pixel shuffle): (N, H, W, C) → (N, H·b, W·b, C / b²). */
export function depthToSpace(
  x: TensorLike,
  blockSize: number,
  dataFormat: "channels_last" | "channels_first" = "channels_last",
): Tensor {
  const t = asTensor(x);
  check4d(t, blockSize, dataFormat, "depthToSpace");
  const b = blockSize;
  const c = dataFormat === "channels_last" ? t.shape[3]! : t.shape[1]!;
  if (c % (b * b) !== 0) {
    throw new ValueError(
      `depthToSpace: channels (${c}) must be divisible by blockSize² (${b * b})`,
    );
  }
  const nc = c / (b * b);
  if (dataFormat === "channels_last") {
    const [n, h, w] = t.shape as [number, number, number, number];
    const y = transpose(reshape(t, [n, h, w, b, b, nc]), [0, 1, 3, 2, 4, 5]);
    return reshape(y, [n, h * b, w * b, nc]);
  }
  const [n, , h, w] = t.shape as [number, number, number, number];
  const y = transpose(reshape(t, [n, nc, b, b, h, w]), [0, 1, 4, 2, 5, 3]);
  return reshape(y, [n, nc, h * b, w * b]);
}

/** Moves blocks of space into depth: (N, H, W, C) → (N, H / b, W / b, C·b²). */
export function spaceToDepth(
  x: TensorLike,
  blockSize: number,
  dataFormat: "channels_last" | "channels_first" = "channels_last",
): Tensor {
  const t = asTensor(x);
  check4d(t, blockSize, dataFormat, "spaceToDepth");
  const b = blockSize;
  const [h, w] =
    dataFormat === "channels_last" ? [t.shape[1]!, t.shape[2]!] : [t.shape[2]!, t.shape[3]!];
  if (h % b !== 0 || w % b !== 0) {
    throw new ValueError(
      `spaceToDepth: height ${h} and width ${w} must be divisible by blockSize ${b}`,
    );
  }
  if (dataFormat === "channels_last") {
    const [n, , , c] = t.shape as [number, number, number, number];
    const y = transpose(reshape(t, [n, h / b, b, w / b, b, c]), [0, 1, 3, 2, 4, 5]);
    return reshape(y, [n, h / b, w / b, b * b * c]);
  }
  const [n, c] = t.shape as [number, number, number, number];
  const y = transpose(reshape(t, [n, c, h / b, b, w / b, b]), [0, 1, 3, 5, 2, 4]);
  return reshape(y, [n, c * b * b, h / b, w / b]);
}

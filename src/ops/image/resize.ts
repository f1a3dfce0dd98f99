/**
 * `ops.image.resize`: Keras's `keras.ops.image.resize` (its JAX semantics, `jax.image.resize`).
 * Each spatial axis is contracted with a host-built [out, in] weight matrix (resize-weights.ts)
 * by `tensordot`, so resizing runs on the backend's matmul and is differentiable; "nearest" gathers
 * rows with `take` and keeps any dtype exactly. Integer images are resized in float32, then
 * rounded (half to even) and saturated back to their dtype, as Keras's `ops.image.resize` does.
 */
import { ValueError } from "../../errors.js";
import { full, tensor } from "../../tensor/creation.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { cast, clip, round } from "../elementwise.js";
import { take } from "../gather.js";
import { concatenate, slice } from "../join.js";
import { tensordot } from "../linalg.js";
import { transpose } from "../movement.js";
import {
  type DataFormat,
  checkDataFormat,
  checkImageDtype,
  checkImageRank,
  checkPositiveInt,
  spatialAxes,
} from "./image-args.js";
import {
  RESIZE_INTERPOLATIONS,
  type ResizeInterpolation,
  nearestIndices,
  resizeWeights,
} from "./resize-weights.js";

export type { ResizeInterpolation } from "./resize-weights.js";

export interface ResizeOptions {
  /** "bilinear" (default), "nearest", "bicubic", "lanczos3", "lanczos5" or "area". */
  interpolation?: ResizeInterpolation;
  /** Low-pass filter when downsampling (widens the kernel by in/out); default false. */
  antialias?: boolean;
  /** Crop the largest centred window of the target aspect ratio first; default false. */
  cropToAspectRatio?: boolean;
  /** Pad the short side evenly with `fillValue` to the target aspect ratio first; default false. */
  padToAspectRatio?: boolean;
  /** Only "constant" (Keras supports no other). */
  fillMode?: "constant";
  fillValue?: number;
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.resize";

/** The integer ranges a resized integer image is saturated to before the cast back. */
const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

/** Contracts spatial `axis` of `x` with the [out, in] matrix `w`, keeping the axis order. */
export function contractAxis(x: Tensor, w: Float64Array, outSize: number, axis: number): Tensor {
  const inSize = x.shape[axis]!;
  const weights = tensor(w, [outSize, inSize], x.dtype as "float32" | "float64");
  const moved = tensordot(weights, x, [[1], [axis]]);
  // tensordot puts the new axis first: move it back to `axis`.
  const perm = Array.from({ length: x.rank }, (_, i) => (i < axis ? i + 1 : i === axis ? 0 : i));
  return transpose(moved, perm);
}

/** Resizes one spatial axis of `x` (float for every interpolation but "nearest"). */
function resizeAxis(
  x: Tensor,
  axis: number,
  outSize: number,
  interpolation: ResizeInterpolation,
  antialias: boolean,
): Tensor {
  const inSize = x.shape[axis]!;
  if (inSize === outSize) return x;
  if (interpolation === "nearest")
    return take(x, tensor(nearestIndices(inSize, outSize), [outSize], "int32"), axis);
  return contractAxis(x, resizeWeights(inSize, outSize, interpolation, antialias), outSize, axis);
}

/** The largest centred window of the target aspect ratio (Keras's `crop_to_aspect_ratio`). */
function cropToAspect(x: Tensor, target: [number, number], axes: [number, number]): Tensor {
  const [h, w] = [x.shape[axes[0]]!, x.shape[axes[1]]!];
  const cropH = Math.max(Math.min(h, Math.trunc((w * target[0]) / target[1])), 1);
  const cropW = Math.max(Math.min(w, Math.trunc((h * target[1]) / target[0])), 1);
  const start = x.shape.map(() => 0);
  const size = [...x.shape];
  start[axes[0]] = Math.trunc((h - cropH) / 2);
  start[axes[1]] = Math.trunc((w - cropW) / 2);
  size[axes[0]] = cropH;
  size[axes[1]] = cropW;
  return slice(x, start, size);
}

/**
 * Keras's `pad_to_aspect_ratio`: the same band of `fillValue` on both sides of the short axis,
 * ⌊(padded − size) / 2⌋ wide, where padded is the size of the target aspect ratio.
 */
function padToAspect(
  x: Tensor,
  target: [number, number],
  axes: [number, number],
  fillValue: number,
): Tensor {
  const [h, w] = [x.shape[axes[0]]!, x.shape[axes[1]]!];
  const padH = Math.max(h, Math.trunc((w * target[0]) / target[1]));
  const padW = Math.max(w, Math.trunc((h * target[1]) / target[0]));
  const bandH = Math.trunc((padH - h) / 2);
  const bandW = Math.trunc((padW - w) / 2);
  const [axis, band] = bandH > 0 ? [axes[0], bandH] : [axes[1], bandW];
  if (band <= 0) return x;
  const shape = [...x.shape];
  shape[axis] = band;
  const fill = full(shape, fillValue, x.dtype as "float32");
  return concatenate([fill, x, fill], axis);
}

function checkOptions(
  size: readonly number[],
  opts: ResizeOptions,
): { interpolation: ResizeInterpolation; format: DataFormat } {
  if (!Array.isArray(size) || size.length !== 2) {
    throw new ValueError(
      `${WHERE}: size must be [height, width]; received ${JSON.stringify(size)}`,
    );
  }
  checkPositiveInt(size[0], WHERE, "size[0] (height)");
  checkPositiveInt(size[1], WHERE, "size[1] (width)");
  const interpolation = opts.interpolation ?? "bilinear";
  if (!RESIZE_INTERPOLATIONS.includes(interpolation)) {
    throw new ValueError(
      `${WHERE}: interpolation must be one of ${RESIZE_INTERPOLATIONS.join(", ")}; ` +
        `received ${String(interpolation)}`,
    );
  }
  if ((opts.fillMode ?? "constant") !== "constant") {
    throw new ValueError(
      `${WHERE}: only fillMode "constant" is supported; received ${String(opts.fillMode)}`,
    );
  }
  if (opts.cropToAspectRatio && opts.padToAspectRatio) {
    throw new ValueError(
      `${WHERE}: only one of cropToAspectRatio and padToAspectRatio can be true`,
    );
  }
  return { interpolation, format: checkDataFormat(opts.dataFormat, WHERE) };
}

/**
 * Resizes one image (rank 3) or a batch (rank 4) to `size` = [height, width]. Float images keep
 * their dtype; integer images are computed in float32 and rounded back to theirs.
 */
export function resize(
  images: TensorLike,
  size: readonly number[],
  opts: ResizeOptions = {},
): Tensor {
  const x0 = asTensor(images);
  const { interpolation, format } = checkOptions(size, opts);
  checkImageRank(x0.shape, WHERE);
  checkImageDtype(x0.dtype, WHERE);
  const target: [number, number] = [size[0]!, size[1]!];
  const axes = spatialAxes(x0.rank, format);
  let x = x0;
  if (opts.cropToAspectRatio) x = cropToAspect(x, target, axes);
  else if (opts.padToAspectRatio) x = padToAspect(x, target, axes, opts.fillValue ?? 0);
  // Already the target size: every interpolation is the identity there (no cast round trip).
  if (x.shape[axes[0]] === target[0] && x.shape[axes[1]] === target[1]) return x;
  const antialias = opts.antialias ?? false;
  const exact = interpolation === "nearest";
  const dtype = x0.dtype;
  if (!exact && !isFloat(dtype)) x = cast(x, "float32");
  x = resizeAxis(x, axes[0], target[0], interpolation, antialias);
  x = resizeAxis(x, axes[1], target[1], interpolation, antialias);
  if (x.dtype === dtype) return x;
  const [lo, hi] = INT_RANGE[dtype] ?? [-Infinity, Infinity];
  return cast(clip(round(x), lo, hi), dtype);
}

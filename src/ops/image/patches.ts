/**
 * `ops.image.extractPatches`: Keras's `extract_patches`. Every (patch) window of the image, read
 * with the given strides, dilation and padding, becomes one output pixel whose channels are the
 * window flattened in (row, column, channel) order — 3-D windows for volumes (size of 3). As in
 * Keras, a convolution with an identity kernel does it: differentiable, on the backend's conv.
 */
import { eye } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { type ConvPadding, conv } from "../conv.js";
import { cast } from "../elementwise.js";
import { expandDims, reshape, squeeze, transpose } from "../movement.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { type DataFormat, checkDataFormat } from "./image-args.js";

export interface ExtractPatchesOptions {
  /** Default: the patch size (non-overlapping patches). */
  strides?: number | readonly number[] | null;
  dilationRate?: number | readonly number[];
  /** "valid" (default) or "same". */
  padding?: "valid" | "same";
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.extractPatches";

/** Patches of one image or volume, or of a batch: size is a number (2-D) or a list of 2 or 3. */
export function extractPatches(
  images: TensorLike,
  size: number | readonly number[],
  opts: ExtractPatchesOptions = {},
): Tensor {
  const x0 = asTensor(images);
  const sizes = typeof size === "number" ? [size, size] : [...size];
  if (sizes.length !== 2 && sizes.length !== 3) {
    throw new ValueError(
      `${WHERE}: size must be a number or a list of 2 or 3; received ${JSON.stringify(size)}`,
    );
  }
  if (!sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new ValueError(
      `${WHERE}: size entries must be positive integers; received ${JSON.stringify(size)}`,
    );
  }
  const spatial = sizes.length;
  if (x0.rank !== spatial + 1 && x0.rank !== spatial + 2) {
    throw new ShapeError(
      `${WHERE}: ${spatial}-D patches need rank ${spatial + 1} (one) or ${spatial + 2} (a batch); ` +
        `received shape ${fmtShape(x0.shape)}`,
    );
  }
  const padding = opts.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") {
    throw new ValueError(
      `${WHERE}: padding must be "valid" or "same"; received ${String(padding)}`,
    );
  }
  const format = checkDataFormat(opts.dataFormat, WHERE);
  let x = x0.rank === spatial + 1 ? expandDims(x0, 0) : x0;
  const toLast = [0, ...Array.from({ length: spatial }, (_, i) => i + 2), 1];
  if (format === "channels_first") x = transpose(x, toLast);
  const channels = x.shape[x.rank - 1]!;
  const fdt = isFloat(x.dtype) ? x.dtype : "float32";
  const depth = sizes.reduce((a, b) => a * b, 1) * channels;
  const kernel = reshape(eye(depth, depth, 0, fdt), [...sizes, channels, depth]);
  let out = conv(cast(x, fdt), kernel, {
    strides: opts.strides ?? sizes,
    padding: padding as ConvPadding,
    dilationRate: opts.dilationRate ?? 1,
  });
  if (out.dtype !== x0.dtype) out = cast(out, x0.dtype);
  if (format === "channels_first") {
    out = transpose(out, [0, x.rank - 1, ...Array.from({ length: spatial }, (_, i) => i + 1)]);
  }
  return x0.rank === spatial + 1 ? squeeze(out, 0) : out;
}

/** Keras's `extract_patches_3d`: `extractPatches` with a 3-D window (a number means a cube). */
export function extractPatches3d(
  volumes: TensorLike,
  size: number | readonly [number, number, number],
  opts: ExtractPatchesOptions = {},
): Tensor {
  return extractPatches(volumes, typeof size === "number" ? [size, size, size] : size, opts);
}

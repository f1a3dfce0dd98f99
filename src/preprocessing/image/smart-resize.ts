/**
 * Keras's `keras.preprocessing.image.smart_resize` (utils/image_utils.py): resize an image or a
 * batch to [height, width] without distorting it — the largest centred crop of the target's aspect
 * ratio, then a resize. The crop and the resize are ops.image.resize's (`cropToAspectRatio`, the
 * same rounding as Keras), so this is the argument checking and defaults of smart_resize.
 */
import { ShapeError, ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { asTensor } from "../../ops/core.js";
import { type ResizeInterpolation, resize } from "../../ops/image/index.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface SmartResizeOptions {
  /** "bilinear" (default), "nearest", "bicubic", "lanczos3", "lanczos5" or "area" */
  interpolation?: ResizeInterpolation;
  /** "channels_last" (default) or "channels_first" */
  dataFormat?: "channels_last" | "channels_first";
}

/** `x` (height, width, channels) or (batch, height, width, channels) resized to `size` undistorted. */
export function smartResize(
  x: TensorLike,
  size: readonly [number, number] | readonly number[],
  opts: SmartResizeOptions = {},
): Tensor {
  if (!Array.isArray(size) || size.length !== 2)
    throw new ValueError(
      `smartResize: expected size to be [height, width] (2 integers); received ${JSON.stringify(size)}`,
    );
  const img = asTensor(x);
  if (img.rank < 3 || img.rank > 4)
    throw new ShapeError(
      "smartResize: expected an image of shape (height, width, channels) or (batch, height, width, " +
        `channels); received shape [${img.shape.join(", ")}]`,
    );
  return resize(img, size, {
    interpolation: opts.interpolation ?? "bilinear",
    dataFormat: opts.dataFormat ?? "channels_last",
    cropToAspectRatio: true,
  });
}

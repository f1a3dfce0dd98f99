/**
 * What every `ops.image` op checks the same way: one image (rank 3) or a batch (rank 4), the data
 * format and where the spatial axes are, and the dtypes an image may have. The ops work on a
 * channels-last batch internally; `toBatchLast` / `fromBatchLast` move to and from it.
 */
import { imageDataFormat } from "../../tensor/config.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../errors.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { expandDims, squeeze, transpose } from "../movement.js";

export type DataFormat = "channels_last" | "channels_first";

/** Keras's `standardize_data_format`: null/undefined is the default image data format. */
export function checkDataFormat(value: unknown, where: string): DataFormat {
  if (value === undefined || value === null) return imageDataFormat();
  if (value !== "channels_last" && value !== "channels_first") {
    throw new ValueError(
      `${where}: dataFormat must be "channels_last" or "channels_first"; received ${String(value)}`,
    );
  }
  return value;
}

/** Rank 3 (one image) or 4 (a batch), as Keras's image ops require. */
export function checkImageRank(shape: readonly (number | null)[], where: string): void {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new ShapeError(
      `${where}: expected rank 3 (single image) or rank 4 (batch of images); received input ` +
        `with shape ${fmtShape(shape.map((d) => d ?? -1))}`,
    );
  }
}

/** Numeric images only: strings and booleans are not pixel values. */
export function checkImageDtype(dtype: DType, where: string): void {
  if (dtype === "string" || dtype === "bool") {
    throw new DTypeError(`${where}: images must have a numeric dtype; received ${dtype}`);
  }
}

/** The (height, width) axes of an image or batch of this rank in this format. */
export function spatialAxes(rank: number, format: DataFormat): [number, number] {
  return format === "channels_last" ? [rank - 3, rank - 2] : [rank - 2, rank - 1];
}

/** [height, width] of an image or batch. */
export function imageSize(shape: readonly number[], format: DataFormat): [number, number] {
  const [h, w] = spatialAxes(shape.length, format);
  return [shape[h]!, shape[w]!];
}

/** A channels-last batch [B, H, W, C] from one image or a batch in either format. */
export function toBatchLast(images: Tensor, format: DataFormat): Tensor {
  const batch = images.rank === 3 ? expandDims(images, 0) : images;
  return format === "channels_first" ? transpose(batch, [0, 2, 3, 1]) : batch;
}

/** The inverse of `toBatchLast` for an input of rank `rank`. */
export function fromBatchLast(batch: Tensor, rank: number, format: DataFormat): Tensor {
  const moved = format === "channels_first" ? transpose(batch, [0, 3, 1, 2]) : batch;
  return rank === 3 ? squeeze(moved, 0) : moved;
}

/** A positive whole number, or an error naming the argument. */
export function checkPositiveInt(value: unknown, where: string, arg: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${where}: ${arg} must be a positive integer; received ${String(value)}`);
  }
  return value;
}

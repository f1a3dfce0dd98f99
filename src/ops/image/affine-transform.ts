/**
 * `ops.image.affineTransform`: Keras's `keras.ops.image.affine_transform`. Each transform row
 * [a0, a1, a2, b0, b1, b2, c0, c1] maps an output pixel (x, y) to the input point
 * ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k), k = c0·x + c1·y + 1 (TensorFlow's projective
 * rows; JAX, which ignores c0 and c1, agrees whenever they are 0). The points are computed on the
 * host and sampled by `resampleBatch` (resample.ts): differentiable in the images, not in the
 * transform (as in Keras).
 */
import { ShapeError, fmtShape } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import {
  type DataFormat,
  checkDataFormat,
  checkImageDtype,
  checkImageRank,
  fromBatchLast,
  toBatchLast,
} from "./image-args.js";
import { resampleBatch } from "./resample.js";
import { type FillMode, type SampleInterpolation, checkSampling } from "./sample-points.js";

export type { FillMode, SampleInterpolation } from "./sample-points.js";

export interface AffineTransformOptions {
  /** "bilinear" (default) or "nearest". */
  interpolation?: SampleInterpolation;
  /** How points outside the image read: "constant" (default), "nearest", "wrap", "mirror", "reflect". */
  fillMode?: FillMode;
  /** The value read outside the image with fillMode "constant"; default 0. */
  fillValue?: number;
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.affineTransform";

/** The transform rows as numbers, one row of 8 per image (a single row serves every image). */
function transformRows(transform: TensorLike, batch: number): Float64Array[] {
  // plain arrays are read in float64, so the sample points are exact
  const t = Array.isArray(transform)
    ? tensor(transform as number[], undefined, "float64")
    : asTensor(transform);
  if ((t.rank !== 1 && t.rank !== 2) || t.shape[t.rank - 1] !== 8) {
    throw new ShapeError(
      `${WHERE}: transform must be a vector of 8 or a matrix [N, 8]; received shape ${fmtShape(t.shape)}`,
    );
  }
  const n = t.rank === 1 ? 1 : t.shape[0]!;
  if (n !== 1 && n !== batch) {
    throw new ShapeError(
      `${WHERE}: transform has ${n} rows for a batch of ${batch} images; give one row or one per image`,
    );
  }
  const values = Float64Array.from(t.dataSync() as ArrayLike<number>);
  return Array.from({ length: batch }, (_, b) =>
    values.subarray((n === 1 ? 0 : b) * 8, (n === 1 ? 0 : b) * 8 + 8),
  );
}

/**
 * Applies one projective transform per image (or one for all) to an image (rank 3) or a batch
 * (rank 4). Float images keep their dtype; integer images are resampled in float32 and rounded.
 */
export function affineTransform(
  images: TensorLike,
  transform: TensorLike,
  opts: AffineTransformOptions = {},
): Tensor {
  const x0 = asTensor(images);
  const interpolation = opts.interpolation ?? "bilinear";
  const mode = opts.fillMode ?? "constant";
  checkSampling(interpolation, mode, WHERE);
  const format = checkDataFormat(opts.dataFormat, WHERE);
  checkImageRank(x0.shape, WHERE);
  checkImageDtype(x0.dtype, WHERE);
  const batch = toBatchLast(x0, format);
  const rows = transformRows(transform, batch.shape[0]!);
  // output (x, y) of image b reads ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k)
  const at = (b: number, y: number, x: number): [number, number] => {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = rows[b]!;
    const k = c0! * x + c1! * y + 1;
    return [(b0! * x + b1! * y + b2!) / k, (a0! * x + a1! * y + a2!) / k];
  };
  const out = resampleBatch(batch, at, interpolation, mode, opts.fillValue ?? 0);
  return fromBatchLast(out, x0.rank, format);
}

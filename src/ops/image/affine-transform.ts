/**
 * `ops.image.affineTransform`: Keras's `keras.ops.image.affine_transform`. Each transform row
 * [a0, a1, a2, b0, b1, b2, c0, c1] maps an output pixel (x, y) to the input point
 * ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k), k = c0·x + c1·y + 1 (TensorFlow's projective
 * rows; JAX, which ignores c0 and c1, agrees whenever they are 0). The sample points and their
 * bilinear/nearest taps are computed on the host (sample-points.ts); the pixels are gathered from
 * the flattened batch with one `take` and weighted with tensor ops, so the result is
 * differentiable in the images (not in the transform, as in Keras).
 */
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { add, cast, floor, multiply, sign, abs } from "../elementwise.js";
import { take } from "../gather.js";
import { reshape } from "../movement.js";
import { sum } from "../reduce.js";
import {
  type DataFormat,
  checkDataFormat,
  checkImageDtype,
  checkImageRank,
  fromBatchLast,
  toBatchLast,
} from "./image-args.js";
import {
  FILL_MODES,
  type FillMode,
  type SampleInterpolation,
  axisTaps,
  fixIndex,
} from "./sample-points.js";

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

interface Plan {
  /** flat pixel index per tap, tap-major: [taps, B·H·W] */
  index: Int32Array;
  /** weight per tap (0 where the tap reads the fill value) */
  weight: Float64Array;
  /** Σ of the weights that read the fill value, per output pixel */
  fillWeight: Float64Array;
  taps: number;
}

/** Every output pixel's taps into the flattened [B·H·W] pixels. */
function planSamples(
  rows: Float64Array[],
  [B, H, W]: readonly number[],
  interpolation: SampleInterpolation,
  mode: FillMode,
): Plan {
  const taps = interpolation === "nearest" ? 1 : 4;
  const n = B! * H! * W!;
  const index = new Int32Array(taps * n);
  const weight = new Float64Array(taps * n);
  const fillWeight = new Float64Array(n);
  let p = 0;
  for (let b = 0; b < B!; b++) {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = rows[b]!;
    for (let y = 0; y < H!; y++) {
      for (let x = 0; x < W!; x++, p++) {
        const k = c0! * x + c1! * y + 1;
        const ys = axisTaps((b0! * x + b1! * y + b2!) / k, interpolation);
        const xs = axisTaps((a0! * x + a1! * y + a2!) / k, interpolation);
        let t = 0;
        for (const [iy, wy] of ys) {
          const fy = fixIndex(iy, H!, mode);
          for (const [ix, wx] of xs) {
            const fx = fixIndex(ix, W!, mode);
            const q = t * n + p;
            if (fy < 0 || fx < 0) fillWeight[p]! += wy * wx;
            else {
              index[q] = (b * H! + fy) * W! + fx;
              weight[q] = wy * wx;
            }
            t++;
          }
        }
      }
    }
  }
  return { index, weight, fillWeight, taps };
}

/** JAX rounds resampled integer images half away from zero before the cast back. */
function roundHalfAway(x: Tensor): Tensor {
  return multiply(sign(x), floor(add(abs(x), 0.5)));
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
  if (interpolation !== "bilinear" && interpolation !== "nearest") {
    throw new ValueError(
      `${WHERE}: interpolation must be "nearest" or "bilinear"; received ${String(interpolation)}`,
    );
  }
  const mode = opts.fillMode ?? "constant";
  if (!FILL_MODES.includes(mode)) {
    throw new ValueError(
      `${WHERE}: fillMode must be one of ${FILL_MODES.join(", ")}; received ${String(mode)}`,
    );
  }
  const format = checkDataFormat(opts.dataFormat, WHERE);
  checkImageRank(x0.shape, WHERE);
  checkImageDtype(x0.dtype, WHERE);
  const batch = toBatchLast(x0, format);
  const [B, H, W, C] = batch.shape as [number, number, number, number];
  const rows = transformRows(transform, B);
  const plan = planSamples(rows, [B, H, W], interpolation, mode);
  const n = B * H * W;
  const fdt = isFloat(x0.dtype) ? x0.dtype : "float32";
  const pixels = reshape(isFloat(batch.dtype) ? batch : cast(batch, fdt), [n, C]);
  const gathered = reshape(take(pixels, tensor(plan.index, [plan.taps * n], "int32"), 0), [
    plan.taps,
    n,
    C,
  ]);
  let out = sum(multiply(gathered, tensor(plan.weight, [plan.taps, n, 1], fdt)), 0);
  const fillValue = opts.fillValue ?? 0;
  if (fillValue !== 0 && plan.fillWeight.some((w) => w !== 0)) {
    out = add(
      out,
      tensor(
        plan.fillWeight.map((w) => w * fillValue),
        [n, 1],
        fdt,
      ),
    );
  }
  out = reshape(out, [B, H, W, C]);
  if (!isFloat(x0.dtype)) out = cast(roundHalfAway(out), x0.dtype);
  return fromBatchLast(out, x0.rank, format);
}

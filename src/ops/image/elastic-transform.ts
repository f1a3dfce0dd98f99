/**
 * `ops.image.elasticTransform`: Keras's `keras.ops.image.elastic_transform`. Two random
 * displacement fields (normal noise · sigma, one per axis and image) are smoothed by a Gaussian of
 * standard deviation `sigma` (kernel int(6σ) | 1, zero "same" padding), scaled by `alpha`, and each
 * output pixel samples the input at its position plus the displacement (`resampleBatch`). The
 * fields are random parameters drawn and smoothed on the host; `seed` makes them reproducible.
 * (Keras on JAX draws both fields from one seed, so they coincide; here they are independent.)
 */
import { ValueError } from "../../errors.js";
import { generatorFor } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { gaussianKernel1d } from "./gaussian-blur.js";
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

export interface ElasticTransformOptions {
  /** Scale of the displacement; default 20. */
  alpha?: number;
  /** Smoothness (and noise scale) of the displacement; default 5. */
  sigma?: number;
  /** "bilinear" (default) or "nearest". */
  interpolation?: SampleInterpolation;
  /** Default "reflect". */
  fillMode?: FillMode;
  fillValue?: number;
  seed?: number;
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.elasticTransform";

/** One field [H·W]: normal(0, 1)·sigma smoothed separably by a Gaussian (zero padding). */
function displacementField(
  height: number,
  width: number,
  sigma: number,
  normal: () => number,
): Float64Array {
  const noise = Float64Array.from({ length: height * width }, () => normal() * sigma);
  if (sigma <= 0) return noise; // the limit of a vanishing Gaussian: no smoothing
  const size = Math.trunc(6 * sigma) | 1;
  const k = gaussianKernel1d(size, sigma);
  const half = (size - 1) / 2;
  const rows = new Float64Array(noise.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let j = 0; j < size; j++) {
        const xx = x + j - half;
        if (xx >= 0 && xx < width) s += k[j]! * noise[y * width + xx]!;
      }
      rows[y * width + x] = s;
    }
  const out = new Float64Array(noise.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = 0; i < size; i++) {
        const yy = y + i - half;
        if (yy >= 0 && yy < height) s += k[i]! * rows[yy * width + x]!;
      }
      out[y * width + x] = s;
    }
  return out;
}

/** Distorts one image or a batch with a random smooth displacement field per image. */
export function elasticTransform(images: TensorLike, opts: ElasticTransformOptions = {}): Tensor {
  const x0 = asTensor(images);
  const interpolation = opts.interpolation ?? "bilinear";
  const mode = opts.fillMode ?? "reflect";
  checkSampling(interpolation, mode, WHERE);
  checkImageRank(x0.shape, WHERE);
  checkImageDtype(x0.dtype, WHERE);
  const alpha = opts.alpha ?? 20;
  const sigma = opts.sigma ?? 5;
  if (!Number.isFinite(alpha) || !Number.isFinite(sigma) || sigma < 0) {
    throw new ValueError(
      `${WHERE}: alpha must be a finite number and sigma a number >= 0; received alpha=${alpha}, sigma=${sigma}`,
    );
  }
  const format = checkDataFormat(opts.dataFormat, WHERE);
  const batch = toBatchLast(x0, format);
  const [B, H, W] = batch.shape as [number, number, number, number];
  const g = generatorFor(opts.seed);
  const normal = () => g.normal();
  const fields = Array.from({ length: B }, () => ({
    dx: displacementField(H, W, sigma, normal),
    dy: displacementField(H, W, sigma, normal),
  }));
  const at = (b: number, y: number, x: number): [number, number] => {
    const f = fields[b]!;
    return [y + alpha * f.dy[y * W + x]!, x + alpha * f.dx[y * W + x]!];
  };
  const out = resampleBatch(batch, at, interpolation, mode, opts.fillValue ?? 0);
  return fromBatchLast(out, x0.rank, format);
}

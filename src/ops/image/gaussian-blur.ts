/**
 * `ops.image.gaussianBlur`: Keras's `keras.ops.image.gaussian_blur`. Each channel is convolved
 * (depthwise, "same" zero padding) with the normalized Gaussian kernel whose height and width
 * are `kernelSize` and standard deviations `sigma`, as Keras documents (height first). Integer
 * images are blurred in float32 and rounded back.
 */
import { ValueError } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { depthwiseConv } from "../conv.js";
import { cast, clip, round } from "../elementwise.js";
import {
  type DataFormat,
  checkDataFormat,
  checkImageDtype,
  checkImageRank,
  fromBatchLast,
  toBatchLast,
} from "./image-args.js";

export interface GaussianBlurOptions {
  /** [height, width] of the kernel; default [3, 3]. */
  kernelSize?: readonly [number, number];
  /** Standard deviations along [height, width]; default [1, 1]. */
  sigma?: readonly [number, number];
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.gaussianBlur";

/** exp(−½ (i − (n − 1)/2)² / σ²), normalized to sum to 1. */
export function gaussianKernel1d(size: number, sigma: number): number[] {
  const k = Array.from({ length: size }, (_, i) =>
    Math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2),
  );
  const total = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / total);
}

function checkPair(value: unknown, arg: string, ints: boolean): [number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === "number" && v > 0 && (!ints || Number.isInteger(v)));
  if (!ok) {
    throw new ValueError(
      `${WHERE}: ${arg} must be two positive ${ints ? "integers" : "numbers"} [height, width]; received ${JSON.stringify(value)}`,
    );
  }
  return value as [number, number];
}

/** Blurs one image or a batch. */
export function gaussianBlur(images: TensorLike, opts: GaussianBlurOptions = {}): Tensor {
  const x0 = asTensor(images);
  checkImageRank(x0.shape, WHERE);
  checkImageDtype(x0.dtype, WHERE);
  const [kh, kw] = checkPair(opts.kernelSize ?? [3, 3], "kernelSize", true);
  const [sh, sw] = checkPair(opts.sigma ?? [1, 1], "sigma", false);
  const format = checkDataFormat(opts.dataFormat, WHERE);
  const batch = toBatchLast(x0, format);
  const channels = batch.shape[3]!;
  const fdt = isFloat(x0.dtype) ? x0.dtype : "float32";
  const ky = gaussianKernel1d(kh, sh);
  const kx = gaussianKernel1d(kw, sw);
  const kernel = new Float64Array(kh * kw * channels);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      kernel.fill(ky[i]! * kx[j]!, (i * kw + j) * channels, (i * kw + j + 1) * channels);
  let out = depthwiseConv(cast(batch, fdt), tensor(kernel, [kh, kw, channels, 1], fdt), {
    padding: "same",
  });
  if (!isFloat(x0.dtype)) {
    const [lo, hi] = x0.dtype === "uint8" ? [0, 255] : [-(2 ** 31), 2 ** 31 - 1];
    out = cast(clip(round(out), lo, hi), x0.dtype);
  }
  return fromBatchLast(out, x0.rank, format);
}

/**
 * `ops.image.ssim`: Keras's `keras.ops.image.ssim`, the structural similarity of two images
 * (Wang et al. 2004). Local means, variances and covariance come from a Gaussian window
 * (`filterSize`, `filterSigma`) applied per channel without padding; the SSIM map
 * ((2μ₁μ₂ + c1)(2σ₁₂ + c2)) / ((μ₁² + μ₂² + c1)(σ₁² + σ₂² + c2)), c = (k·maxVal)², is averaged
 * over space and channels: one value per image pair (a scalar for single images).
 */
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { depthwiseConv } from "../conv.js";
import { add, cast, divide, multiply, square, subtract } from "../elementwise.js";
import { reshape } from "../movement.js";
import { mean } from "../reduce.js";
import { gaussianKernel1d } from "./gaussian-blur.js";
import {
  type DataFormat,
  checkDataFormat,
  checkImageDtype,
  checkImageRank,
  toBatchLast,
} from "./image-args.js";

export interface SsimOptions {
  /** The largest possible pixel value; default 1 (255 for 8-bit images). */
  maxVal?: number;
  /** Width of the Gaussian window, an odd integer; default 11. */
  filterSize?: number;
  /** Its standard deviation; default 1.5. */
  filterSigma?: number;
  k1?: number;
  k2?: number;
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.ssim";

/** SSIM of each pair of images: [batch] for batches, a scalar for single images. */
export function ssim(image1: TensorLike, image2: TensorLike, opts: SsimOptions = {}): Tensor {
  const a0 = asTensor(image1);
  const b0 = asTensor(image2);
  checkImageRank(a0.shape, `${WHERE} (image1)`);
  checkImageRank(b0.shape, `${WHERE} (image2)`);
  checkImageDtype(a0.dtype, WHERE);
  if (a0.shape.join() !== b0.shape.join()) {
    throw new ShapeError(
      `${WHERE}: image1 and image2 must have the same shape; received ${fmtShape(a0.shape)} and ${fmtShape(b0.shape)}`,
    );
  }
  const { maxVal = 1, filterSize = 11, filterSigma = 1.5, k1 = 0.01, k2 = 0.03 } = opts;
  if (!Number.isInteger(filterSize) || filterSize < 1 || filterSize % 2 === 0) {
    throw new ValueError(
      `${WHERE}: filterSize must be an odd integer >= 1; received ${filterSize}`,
    );
  }
  if (!(filterSigma > 0)) {
    throw new ValueError(`${WHERE}: filterSigma must be > 0; received ${filterSigma}`);
  }
  const format = checkDataFormat(opts.dataFormat, WHERE);
  const fdt = isFloat(a0.dtype) ? a0.dtype : "float32";
  const x = cast(toBatchLast(a0, format), fdt);
  const y = cast(toBatchLast(b0, format), fdt);
  const channels = x.shape[3]!;
  const g = gaussianKernel1d(filterSize, filterSigma);
  const k = new Float64Array(filterSize * filterSize * channels);
  for (let i = 0; i < filterSize; i++)
    for (let j = 0; j < filterSize; j++) {
      const at = (i * filterSize + j) * channels;
      k.fill(g[i]! * g[j]!, at, at + channels);
    }
  const kernel = tensor(k, [filterSize, filterSize, channels, 1], fdt);
  const window = (t: Tensor) => depthwiseConv(t, kernel, { padding: "valid" });
  const mu1 = window(x);
  const mu2 = window(y);
  const mu12 = multiply(mu1, mu2);
  const sigma1 = subtract(window(square(x)), square(mu1));
  const sigma2 = subtract(window(square(y)), square(mu2));
  const sigma12 = subtract(window(multiply(x, y)), mu12);
  const c1 = (k1 * maxVal) ** 2;
  const c2 = (k2 * maxVal) ** 2;
  const numerator = multiply(add(multiply(mu12, 2), c1), add(multiply(sigma12, 2), c2));
  const denominator = multiply(
    add(add(square(mu1), square(mu2)), c1),
    add(add(sigma1, sigma2), c2),
  );
  const perImage = mean(divide(numerator, denominator), [1, 2, 3]);
  const out = a0.rank === 3 ? reshape(perImage, []) : perImage;
  return out.dtype === a0.dtype ? out : cast(out, a0.dtype);
}

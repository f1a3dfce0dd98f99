/**
 * Keras `RandomGaussianBlur`: in training, blurs each image with probability p drawn per image
 * from [lower, upper] of `factor` (blurred when a uniform draw is below p). One pair of standard
 * deviations (σx, σy), each drawn from `sigma` (+1e-6), serves the whole batch, as in Keras. The
 * kernel is the outer product of normalized 1-D Gaussians over `kernelSize` taps (width, height),
 * applied per channel with zero "same" padding (Keras's `ops.image.gaussian_blur`); the result is
 * clipped to `valueRange`. `factor` and `sigma` are in [0, 1]; a number f gives [0, f].
 * `kernelSize` is an odd number or a pair [width, height] of odd numbers. The identity at
 * inference.
 */
import { ValueError } from "../../../errors.js";
import { clip, where } from "../../../ops/elementwise.js";
import { depthwiseConv } from "../../../ops/conv.js";
import { transpose } from "../../../ops/movement.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  checkValueRange,
  parseFactor,
} from "../image/base-image-layer.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

export interface RandomGaussianBlurArgs extends BaseImageLayerArgs {
  /** the blurring probability range, in [0, 1]; default 1 */
  factor?: number | readonly [number, number];
  /** an odd number, or [width, height] odd numbers; default 3 */
  kernelSize?: number | readonly [number, number];
  /** the standard deviations' range, in [0, 1]; default 1 (σ drawn from [0, 1]) */
  sigma?: number | readonly [number, number];
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
}

/** A normalized 1-D Gaussian over `size` taps centred on the middle one. */
export function gaussianKernel1d(size: number, sigma: number): number[] {
  const taps = Array.from({ length: size }, (_, i) =>
    Math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2),
  );
  const total = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / total);
}

export class RandomGaussianBlur extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  readonly kernelSize: [number, number];
  readonly sigma: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomGaussianBlurArgs = {}) {
    super(args, { random: true, targets: "unchanged" });
    this.factor = parseFactor(args.factor ?? 1, [0, 1], this.where());
    const k = args.kernelSize ?? 3;
    const sizes = typeof k === "number" ? [k, k] : [...k];
    if (sizes.length !== 2 || !sizes.every((s) => Number.isInteger(s) && s > 0 && s % 2 === 1)) {
      throw new ValueError(
        `${this.where()}: kernelSize must be an odd number or a pair of odd numbers; received kernelSize=${JSON.stringify(k)}`,
      );
    }
    this.kernelSize = sizes as [number, number];
    this.sigma = parseFactor(args.sigma ?? 1, [0, 1], this.where(), "sigma");
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    const first = this.dataFormat === "channels_first";
    const x = first ? transpose(images, [0, 2, 3, 1]) : images;
    const n = x.shape[0]!;
    const c = x.shape[3]!;
    const p = uniformDraws(this.rng, n, this.factor[0], this.factor[1]);
    const u = uniformDraws(this.rng, n, 0, 1);
    const [sx, sy] = uniformDraws(this.rng, 2, this.sigma[0], this.sigma[1]).map((s) => s + 1e-6);
    const [kw, kh] = this.kernelSize;
    const kx = gaussianKernel1d(kw, sx!);
    const ky = gaussianKernel1d(kh, sy!);
    const weights: number[] = [];
    for (let r = 0; r < kh; r++)
      for (let q = 0; q < kw; q++) for (let ch = 0; ch < c; ch++) weights.push(ky[r]! * kx[q]!);
    const blurred = depthwiseConv(x, tensor(weights, [kh, kw, c, 1], x.dtype), { padding: "same" });
    const apply = perImage(
      u.map((v, i) => (v < p[i]! ? 1 : 0)),
      "bool",
    );
    const out = clip(where(apply, blurred, x), this.valueRange[0], this.valueRange[1]);
    return first ? transpose(out, [0, 3, 1, 2]) : out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      factor: this.factor,
      kernel_size: this.kernelSize,
      sigma: this.sigma,
      value_range: this.valueRange,
    };
  }

  static fromConfig(config: Record<string, unknown>): RandomGaussianBlur {
    return new RandomGaussianBlur(fromKerasConfig(config) as RandomGaussianBlurArgs);
  }
}

registerKerasLayers({ RandomGaussianBlur });

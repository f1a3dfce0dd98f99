/**
 * Keras `RandomInvert`: in training, inverts each image, x → high − x (`valueRange`'s high, as
 * Keras does), with probability p drawn per image from [lower, upper] of `factor` (an image is
 * inverted when a uniform draw is below its p). `factor` is in [0, 1]; a number f gives [0, f],
 * so the default 1 inverts about half the images. The identity at inference.
 */
import { subtract, where } from "../../../ops/elementwise.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  BaseImagePreprocessingLayer,
  checkValueRange,
  parseFactor,
} from "../image/base-image-layer.js";
import { perImage, uniformDraws } from "./per-image-draws.js";
import type { ColorFactorArgs } from "./color-args.js";

export interface RandomInvertArgs extends ColorFactorArgs {
  /** the probability range, [0, 1] by default */
  factor?: number | readonly [number, number];
}

export class RandomInvert extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomInvertArgs = {}) {
    super(args, { random: true, targets: "unchanged" });
    this.factor = parseFactor(args.factor ?? 1, [0, 1], this.where());
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    const p = uniformDraws(this.rng, n, this.factor[0], this.factor[1]);
    const u = uniformDraws(this.rng, n, 0, 1);
    const apply = perImage(
      u.map((v, i) => (v < p[i]! ? 1 : 0)),
      "bool",
    );
    return where(apply, subtract(this.valueRange[1], images), images);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange };
  }

  static fromConfig(config: Record<string, unknown>): RandomInvert {
    return new RandomInvert(fromKerasConfig(config) as RandomInvertArgs);
  }
}

registerKerasLayers({ RandomInvert });

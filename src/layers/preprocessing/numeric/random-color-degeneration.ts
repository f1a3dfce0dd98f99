/**
 * Keras `RandomColorDegeneration`: in training, blends each image toward its grayscale version,
 * x → x + f · (gray − x) with one f per image drawn from [lower, upper], clipped to `valueRange`:
 * f = 0 keeps the image, f = 1 makes it gray. The identity at inference.
 *
 * `factor` as Keras documents it: in [0, 1], a number f draws from [0, f], a pair from [a, b].
 * (Keras 3.16's code bounds it by [−1, 1], so a number f draws from [−f, f], which over-saturates
 * for negative draws; Strata follows the documentation.)
 */
import { add, clip, multiply, subtract } from "../../../ops/elementwise.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { BaseImagePreprocessingLayer, parseFactor } from "../image/base-image-layer.js";
import { rgbToGrayscale } from "../../../ops/image/color.js";
import { perImage, uniformDraws } from "./per-image-draws.js";
import { type ColorFactorArgs, sortedValueRange } from "./color-args.js";

export class RandomColorDegeneration extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(factor: number | readonly [number, number], args: ColorFactorArgs = {}) {
    super(args, { random: true });
    this.factor = parseFactor(factor, [0, 1], this.where());
    this.valueRange = sortedValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    const f = perImage(
      uniformDraws(this.rng, images.shape[0]!, this.factor[0], this.factor[1]),
      images.dtype,
    );
    const gray = rgbToGrayscale(images, { dataFormat: this.dataFormat });
    const out = add(images, multiply(f, subtract(gray, images)));
    return clip(out, this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange };
  }

  static fromConfig(config: Record<string, unknown>): RandomColorDegeneration {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomColorDegeneration(factor as [number, number], args as ColorFactorArgs);
  }
}

registerKerasLayers({ RandomColorDegeneration });

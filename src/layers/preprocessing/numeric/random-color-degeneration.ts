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
import { rgbToGrayscale } from "../../../ops/image/color.js";
import { type ColorFactorArgs, ColorFactorLayer } from "./color-args.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

export class RandomColorDegeneration extends ColorFactorLayer {
  constructor(factor: number | readonly [number, number], args: ColorFactorArgs = {}) {
    super(factor, args, [0, 1], true);
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

  static fromConfig(config: Record<string, unknown>): RandomColorDegeneration {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomColorDegeneration(factor as [number, number], args as ColorFactorArgs);
  }
}

registerKerasLayers({ RandomColorDegeneration });

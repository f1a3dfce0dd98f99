/**
 * Keras `RandomSaturation`: in training, scales each image's HSV saturation by f / (1 − f + ε)
 * with one f per image drawn from [lower, upper]: f = 0.5 keeps the image, 0 makes it gray,
 * 1 fully saturated. As in Keras the scaled saturation is clipped to `valueRange`, and the image
 * goes RGB → HSV → RGB in its own range. The identity at inference.
 *
 * `factor` as Keras documents it: in [0, 1], a number f draws from [0, f], a pair from [a, b].
 * (Keras 3.16's code bounds it by [−1, 1], so a number f draws from [−f, f]; Strata follows the
 * documentation.)
 */
import { clip, multiply } from "../../../ops/elementwise.js";
import { stack } from "../../../ops/join.js";
import { reshape } from "../../../ops/movement.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { colorPlanes, hsvToRgb, rgbToHsv } from "../../../ops/image/color.js";
import { type ColorFactorArgs, ColorFactorLayer } from "./color-args.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

/** Keras's `backend.epsilon()`. */
const EPSILON = 1e-7;

export class RandomSaturation extends ColorFactorLayer {
  constructor(factor: number | readonly [number, number], args: ColorFactorArgs = {}) {
    super(factor, args, [0, 1], true);
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    const draws = uniformDraws(this.rng, n, this.factor[0], this.factor[1]);
    const scale = perImage(
      draws.map((f) => f / (1 - f + EPSILON)),
      images.dtype,
    );
    const axis = this.channelAxis();
    const [h, s, v] = colorPlanes(rgbToHsv(images, { dataFormat: this.dataFormat }), axis);
    const scaled = clip(multiply(s, reshape(scale, [n, 1, 1])), ...this.valueRange);
    return hsvToRgb(stack([h, scaled, v], axis), { dataFormat: this.dataFormat });
  }

  static fromConfig(config: Record<string, unknown>): RandomSaturation {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomSaturation(factor as [number, number], args as ColorFactorArgs);
  }
}

registerKerasLayers({ RandomSaturation });

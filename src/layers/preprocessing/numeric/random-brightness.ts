/**
 * Keras `RandomBrightness`: in training, adds to each image one delta drawn uniformly from
 * [lower, upper] · (high − low) of `valueRange`, then clips to `valueRange`: a draw of −1 makes
 * the image black (low), +1 white (high). The identity at inference.
 *
 * `factor` is in [−1, 1]: a number f gives [−f, f], a pair is sorted (Keras's `_set_factor`).
 * `valueRange` is sorted, as Keras sorts it.
 */
import { add, clip } from "../../../ops/elementwise.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { BaseImageLayerArgs } from "../image/base-image-layer.js";
import { ColorFactorLayer } from "./color-args.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

export interface RandomBrightnessArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default: the delta's scale and the clipping bounds */
  valueRange?: readonly [number, number];
}

export class RandomBrightness extends ColorFactorLayer {
  constructor(factor: number | readonly [number, number], args: RandomBrightnessArgs = {}) {
    super(factor, args, [-1, 1], true);
  }

  protected transformImages(images: Tensor): Tensor {
    const [low, high] = this.valueRange;
    const draws = uniformDraws(this.rng, images.shape[0]!, this.factor[0], this.factor[1]);
    const delta = perImage(
      draws.map((d) => d * (high - low)),
      images.dtype,
    );
    return clip(add(images, delta), low, high);
  }

  static fromConfig(config: Record<string, unknown>): RandomBrightness {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomBrightness(factor as [number, number], args as RandomBrightnessArgs);
  }
}

registerKerasLayers({ RandomBrightness });

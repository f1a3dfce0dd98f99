/**
 * Keras `RandomContrast`: in training, each image's channels are pulled toward or pushed from
 * their own mean, x → (x − mean) · c + mean with one c per image drawn uniformly from
 * [1 − lower, 1 + upper], then clipped to `valueRange`. The identity at inference.
 *
 * `factor` follows Keras's bounds [0, 1]: a number f gives (lower, upper) = (0, f), so c is in
 * [1, 1 + f] (Keras 3.16's `_set_factor`), and a pair [a, b] gives c in [1 − a, 1 + b].
 */
import { add, clip, multiply, subtract } from "../../../ops/elementwise.js";
import { mean } from "../../../ops/reduce.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { BaseImageLayerArgs } from "../image/base-image-layer.js";
import { ColorFactorLayer } from "./color-args.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

export interface RandomContrastArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default; outputs are clipped to it */
  valueRange?: readonly [number, number];
}

export class RandomContrast extends ColorFactorLayer {
  constructor(factor: number | readonly [number, number], args: RandomContrastArgs = {}) {
    super(factor, args, [0, 1], false);
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    const c = perImage(
      uniformDraws(this.rng, n, 1 - this.factor[0], 1 + this.factor[1]),
      images.dtype,
    );
    const channelMean = mean(images, this.imageAxes(), true);
    const out = add(multiply(subtract(images, channelMean), c), channelMean);
    return clip(out, this.valueRange[0], this.valueRange[1]);
  }

  static fromConfig(config: Record<string, unknown>): RandomContrast {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomContrast(factor as [number, number], args as RandomContrastArgs);
  }
}

registerKerasLayers({ RandomContrast });

/**
 * Keras `RandomSharpness`: in training, blends each image with a smoothed copy, x → x + (1 − s)
 * · (smooth(x) − x), clipped to `valueRange`, with s = 2f and f drawn per image from [lower,
 * upper]: f = 0.5 keeps the image, 0 blurs it, 1 sharpens it. smooth is the 3×3 kernel
 * [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 per channel with zero "same" padding, as in Keras.
 * `factor` is in [0, 1]; a number f gives [0, f]. The identity at inference.
 */
import { add, clip, multiply, subtract } from "../../../ops/elementwise.js";
import { depthwiseConv } from "../../../ops/conv.js";
import { transpose } from "../../../ops/movement.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type ColorFactorArgs, ColorFactorLayer } from "./color-args.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

export class RandomSharpness extends ColorFactorLayer {
  constructor(factor: number | readonly [number, number], args: ColorFactorArgs = {}) {
    super(factor, args, [0, 1], true);
  }

  protected transformImages(images: Tensor): Tensor {
    const first = this.dataFormat === "channels_first";
    const x = first ? transpose(images, [0, 2, 3, 1]) : images;
    const n = x.shape[0]!;
    const c = x.shape[3]!;
    const s = perImage(
      uniformDraws(this.rng, n, this.factor[0], this.factor[1]).map((f) => 2 * f),
      x.dtype,
    );
    const kernel = tensor(
      Array.from({ length: 9 * c }, (_, k) => (Math.floor(k / c) === 4 ? 5 : 1) / 13),
      [3, 3, c, 1],
      x.dtype,
    );
    const smooth = depthwiseConv(x, kernel, { padding: "same" });
    const out = clip(add(x, multiply(subtract(1, s), subtract(smooth, x))), ...this.valueRange);
    return first ? transpose(out, [0, 3, 1, 2]) : out;
  }

  static fromConfig(config: Record<string, unknown>): RandomSharpness {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomSharpness(factor as [number, number], args as ColorFactorArgs);
  }
}

registerKerasLayers({ RandomSharpness });

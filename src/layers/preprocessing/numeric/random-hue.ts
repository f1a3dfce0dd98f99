/**
 * Keras `RandomHue`: in training, rotates each image's hue by ±f/2 of a turn, with f drawn from
 * [lower, upper] and the sign by a coin per image; the image is mapped from `valueRange` to
 * [0, 1], through HSV and back, clipped to [0, 1] and mapped back. f = 1 gives the
 * complementary colours whichever the sign. The identity at inference.
 *
 * `factor` is in [0, 1] (Keras's bounds): a number f draws from [0, f], a pair from [a, b].
 */
import { add, clip, greater, less, subtract, where } from "../../../ops/elementwise.js";
import { stack } from "../../../ops/join.js";
import { reshape } from "../../../ops/movement.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { transformValueRange } from "../image/base-image-layer.js";
import { colorPlanes, hsvToRgb, rgbToHsv } from "../../../ops/image/color.js";
import { type ColorFactorArgs, ColorFactorLayer } from "./color-args.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

export class RandomHue extends ColorFactorLayer {
  constructor(factor: number | readonly [number, number], args: ColorFactorArgs = {}) {
    super(factor, args, [0, 1], false);
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    const signs = uniformDraws(this.rng, n, 0, 1).map((u) => (u > 0.5 ? -1 : 1));
    const factors = uniformDraws(this.rng, n, this.factor[0], this.factor[1]);
    const shift = reshape(
      perImage(
        factors.map((f, i) => signs[i]! * f * 0.5),
        images.dtype,
      ),
      [n, 1, 1],
    );
    const axis = this.channelAxis();
    const dtype = images.dtype === "float64" ? "float64" : "float32";
    const unit = transformValueRange(images, this.valueRange, [0, 1], dtype);
    const [h, s, v] = colorPlanes(rgbToHsv(unit, { dataFormat: this.dataFormat }), axis);
    let hue = add(h, shift);
    hue = where(greater(hue, 1), subtract(hue, 1), hue);
    hue = where(less(hue, 0), add(hue, 1), hue);
    const rgb = clip(hsvToRgb(stack([hue, s, v], axis), { dataFormat: this.dataFormat }), 0, 1);
    return transformValueRange(rgb, [0, 1], this.valueRange, dtype);
  }

  static fromConfig(config: Record<string, unknown>): RandomHue {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomHue(factor as [number, number], args as ColorFactorArgs);
  }
}

registerKerasLayers({ RandomHue });

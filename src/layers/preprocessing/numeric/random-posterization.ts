/**
 * Keras `RandomPosterization`: in training, keeps only the top b bits of each 8-bit colour value,
 * with b per image: mapped from `valueRange` to [0, 255], cast to uint8, x → ⌊x / 2^(8−b)⌋ ·
 * 2^(8−b), mapped back. b is drawn as an integer in [lower, upper) (Keras's randint), or is
 * `lower` when the bounds are equal. `factor` is in [1, 8]: a number f gives [1, f].
 * The identity at inference.
 */
import { cast, floorDivide, multiply } from "../../../ops/elementwise.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  BaseImagePreprocessingLayer,
  parseFactor,
  transformValueRange,
} from "../image/base-image-layer.js";
import { perImage } from "./per-image-draws.js";
import { sortedValueRange } from "./color-args.js";
import type { ColorFactorArgs } from "./color-args.js";

const MAX_BITS = 8;

export class RandomPosterization extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(factor: number | readonly [number, number], args: ColorFactorArgs = {}) {
    super(args, { random: true, targets: "unchanged" });
    this.factor = parseFactor(factor, [1, MAX_BITS], this.where());
    this.valueRange = sortedValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    const [lo, hi] = this.factor;
    const bits = Array.from({ length: n }, () =>
      lo === hi
        ? Math.trunc(lo)
        : Math.trunc(lo) + Math.floor(this.rng.uniform() * (Math.trunc(hi) - Math.trunc(lo))),
    );
    const step = perImage(
      bits.map((b) => 2 ** (MAX_BITS - b)),
      "int32",
    );
    const dtype = images.dtype === "float64" ? "float64" : "float32";
    const bytes = cast(
      cast(transformValueRange(images, this.valueRange, [0, 255], dtype), "uint8"),
      "int32",
    );
    const kept = cast(multiply(floorDivide(bytes, step), step), dtype);
    return transformValueRange(kept, [0, 255], this.valueRange, dtype);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange };
  }

  static fromConfig(config: Record<string, unknown>): RandomPosterization {
    const { factor, ...args } = fromKerasConfig(config);
    return new RandomPosterization(factor as [number, number], args as ColorFactorArgs);
  }
}

registerKerasLayers({ RandomPosterization });

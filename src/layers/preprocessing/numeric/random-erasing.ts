/**
 * Keras `RandomErasing`: in training, erases a rectangle of each image with probability p drawn
 * per image from [lower, upper] of `factor` (an image is erased when a uniform draw is below p).
 * The rectangle's sides are √s_x · W and √s_y · H with s_x, s_y drawn from `scale`, at a uniform
 * position (pixels with indices in [x0, x1) × [y0, y1)), and it is filled with `fillValue`: a
 * number, one number per channel, or by default normal noise · high, all clipped to
 * `valueRange`. `factor` and `scale` are in [0, 1]; a number f gives [0, f]. The identity at
 * inference.
 */
import { ValueError } from "../../../errors.js";
import { clip, multiply, where } from "../../../ops/elementwise.js";
import { reshape } from "../../../ops/movement.js";
import { full, tensor } from "../../../tensor/creation.js";
import { normal } from "../../../tensor/random.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  checkValueRange,
  parseFactor,
} from "../image/base-image-layer.js";
import { uniformDraws } from "./per-image-draws.js";

export interface RandomErasingArgs extends BaseImageLayerArgs {
  /** the erasing probability range, in [0, 1]; default 1 (p drawn from [0, 1]) */
  factor?: number | readonly [number, number];
  /** the range of each side's squared fraction, in [0, 1]; default [0.02, 0.33] */
  scale?: number | readonly [number, number];
  /** a number, three numbers (one per channel), or null for noise (default) */
  fillValue?: number | readonly number[] | null;
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
}

export class RandomErasing extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  readonly scale: [number, number];
  readonly fillValue: number | number[] | null;
  readonly valueRange: [number, number];

  constructor(args: RandomErasingArgs = {}) {
    super(args, { random: true, targets: "unchanged" });
    this.factor = parseFactor(args.factor ?? 1, [0, 1], this.where());
    this.scale = parseFactor(args.scale ?? [0.02, 0.33], [0, 1], this.where(), "scale");
    const fill = args.fillValue ?? null;
    if (
      fill !== null &&
      typeof fill !== "number" &&
      !(Array.isArray(fill) && fill.length === 3 && fill.every((v) => typeof v === "number"))
    ) {
      throw new ValueError(
        `${this.where()}: fillValue must be a number, a list of three numbers or null; received ${JSON.stringify(fill)}`,
      );
    }
    this.fillValue = fill === null || typeof fill === "number" ? fill : [...fill];
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    const [hAxis, wAxis] = this.imageAxes();
    const n = images.shape[0]!;
    const height = images.shape[hAxis]!;
    const width = images.shape[wAxis]!;
    const sides = Array.from({ length: n }, () =>
      uniformDraws(this.rng, 2, this.scale[0], this.scale[1]).map(Math.sqrt),
    );
    const bounds = (length: number, k: 0 | 1) =>
      sides.map((s) => {
        const crop = s[k]! * length;
        const start = this.rng.uniform() * (length - crop);
        return [start, start + crop] as const;
      });
    const xs = bounds(width, 0);
    const ys = bounds(height, 1);
    const p = uniformDraws(this.rng, n, this.factor[0], this.factor[1]);
    const u = uniformDraws(this.rng, n, 0, 1);
    const mask = new Uint8Array(n * height * width);
    for (let i = 0; i < n; i++) {
      if (!(u[i]! < p[i]!)) continue;
      const [x0, x1] = xs[i]!;
      const [y0, y1] = ys[i]!;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (x >= x0 && x < x1 && y >= y0 && y < y1) mask[(i * height + y) * width + x] = 1;
        }
      }
    }
    const maskShape =
      this.dataFormat === "channels_last" ? [n, height, width, 1] : [n, 1, height, width];
    return where(tensor(mask, maskShape, "bool"), this.fill(images), images);
  }

  /** The fill, broadcastable against the batch, clipped to the value range. */
  private fill(images: Tensor): Tensor {
    const dtype = images.dtype;
    let fill: Tensor;
    if (this.fillValue === null) {
      const seed = this.rng.fork();
      fill = multiply(normal([...images.shape], { seed, dtype }), this.valueRange[1]);
    } else if (typeof this.fillValue === "number") {
      fill = full([], this.fillValue, dtype);
    } else {
      const shape = images.shape.map((_, a) => (a === this.channelAxis() ? 3 : 1));
      fill = reshape(tensor(this.fillValue, [3], dtype), shape);
    }
    return clip(fill, this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      factor: this.factor,
      scale: this.scale,
      fill_value: this.fillValue,
      value_range: this.valueRange,
    };
  }

  static fromConfig(config: Record<string, unknown>): RandomErasing {
    return new RandomErasing(fromKerasConfig(config) as RandomErasingArgs);
  }
}

registerKerasLayers({ RandomErasing });

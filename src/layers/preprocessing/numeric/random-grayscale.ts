/**
 * Keras `RandomGrayscale`: in training, each image becomes grayscale with probability `factor`
 * (its draw < factor), keeping its channel count (the gray plane repeated over R, G, B).
 * The identity at inference.
 */
import { ValueError } from "../../../errors.js";
import { where } from "../../../ops/elementwise.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type BaseImageLayerArgs, BaseImagePreprocessingLayer } from "../image/base-image-layer.js";
import { rgbToGrayscale } from "../../../ops/image/color.js";
import { perImage, uniformDraws } from "./per-image-draws.js";

export interface RandomGrayscaleArgs extends BaseImageLayerArgs {
  /** the probability of converting an image, in [0, 1] (default 0.5) */
  factor?: number;
}

export class RandomGrayscale extends BaseImagePreprocessingLayer {
  readonly factor: number;

  constructor(args: RandomGrayscaleArgs = {}) {
    super(args, { random: true, targets: "unchanged" });
    const factor = args.factor ?? 0.5;
    if (typeof factor !== "number" || !(factor >= 0 && factor <= 1)) {
      throw new ValueError(
        `${this.where()}: factor must be between 0 and 1; received factor=${String(factor)}`,
      );
    }
    this.factor = factor;
  }

  protected transformImages(images: Tensor): Tensor {
    const draws = uniformDraws(this.rng, images.shape[0]!, 0, 1);
    const apply = perImage(
      draws.map((u) => (u < this.factor ? 1 : 0)),
      "bool",
    );
    return where(apply, rgbToGrayscale(images, { dataFormat: this.dataFormat }), images);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }

  static fromConfig(config: Record<string, unknown>): RandomGrayscale {
    return new RandomGrayscale(fromKerasConfig(config) as RandomGrayscaleArgs);
  }
}

registerKerasLayers({ RandomGrayscale });

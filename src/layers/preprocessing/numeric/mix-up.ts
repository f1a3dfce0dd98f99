/**
 * Keras `MixUp`: in training, blends each image with another image of the batch (a random
 * permutation), x_i → λ_i · x_i + (1 − λ_i) · x_perm(i), with λ_i ~ Beta(alpha, alpha). Labels
 * are blended with the same weights when given: `layer.applyWithLabels({ images, labels },
 * { training: true })` (Keras's dict input `{"images": …, "labels": …}`). The identity at
 * inference.
 */
import { ValueError } from "../../../errors.js";
import { add, multiply, subtract } from "../../../ops/elementwise.js";
import { take } from "../../../ops/gather.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type BaseImageLayerArgs, BaseImagePreprocessingLayer } from "../image/base-image-layer.js";
import { betaSample, shuffledIndices } from "./mix-draws.js";
import { type ImagesAndLabels, imagesAndLabels, mixLabels } from "./mix-labels.js";

export type { ImagesAndLabels } from "./mix-labels.js";

export interface MixUpArgs extends BaseImageLayerArgs {
  /** the Beta distribution's parameter (default 0.2): smaller mixes less */
  alpha?: number;
}

/** One draw of the mixing: the batch's permutation and each image's weight λ. */
interface MixDraw {
  order: Tensor;
  weights: number[];
}

export class MixUp extends BaseImagePreprocessingLayer {
  readonly alpha: number;
  private pending: MixDraw | null = null;

  constructor(args: MixUpArgs = {}) {
    super(args, { random: true });
    const alpha = args.alpha ?? 0.2;
    if (typeof alpha !== "number" || !(alpha > 0)) {
      throw new ValueError(
        `${this.where()}: alpha must be a positive number; received alpha=${String(alpha)}`,
      );
    }
    this.alpha = alpha;
  }

  private draw(n: number): MixDraw {
    const order = tensor(shuffledIndices(this.rng, n), [n], "int32");
    const weights = Array.from({ length: n }, () => betaSample(this.rng, this.alpha, this.alpha));
    return { order, weights };
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    const draw = this.pending ?? this.draw(n);
    const w = tensor(draw.weights, [n, 1, 1, 1], images.dtype);
    return add(multiply(w, images), multiply(subtract(1, w), take(images, draw.order, 0)));
  }

  /**
   * Mixes images and labels with the same draw (labels: one row per image, e.g. one-hot). At
   * inference both come back unchanged (images cast to the layer's dtype).
   */
  applyWithLabels(
    data: ImagesAndLabels,
    opts: { training?: boolean } = {},
  ): { images: Tensor; labels: Tensor } {
    const { images, labels, n } = imagesAndLabels(data, this.where());
    if (!opts.training) return { images: this.apply(images), labels };
    const draw = this.draw(n);
    this.pending = draw;
    try {
      const mixed = this.apply(images, { training: true });
      return { images: mixed, labels: mixLabels(labels, draw.weights, draw.order) };
    } finally {
      this.pending = null;
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }

  static fromConfig(config: Record<string, unknown>): MixUp {
    return new MixUp(fromKerasConfig(config) as MixUpArgs);
  }
}

registerKerasLayers({ MixUp });

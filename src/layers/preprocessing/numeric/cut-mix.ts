/**
 * Keras `CutMix`: in training, pastes into each image a rectangle cut from another image of the
 * batch (a random permutation). Per call α is drawn from [lower, upper] of `factor` (+1e-6), and
 * per image λ ~ Beta(α, α); the rectangle has sides √(1 − λ) · W and √(1 − λ) · H at a uniform
 * position, and covers the pixels whose indices fall in [x0, x1) × [y0, y1). Labels, when given
 * (`applyWithLabels`), are blended as λ' · y + (1 − λ') · y_perm with λ' = 1 − the rectangle's
 * area fraction, as Keras does. `factor` is in [0, 1] (default 1: α in [0, 1]). The identity at
 * inference.
 */
import { where } from "../../../ops/elementwise.js";
import { take } from "../../../ops/gather.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  parseFactor,
} from "../image/base-image-layer.js";
import { betaSample, shuffledIndices } from "./mix-draws.js";
import { type ImagesAndLabels, imagesAndLabels, mixLabels } from "./mix-labels.js";

export interface CutMixArgs extends BaseImageLayerArgs {
  /** the range α is drawn from, in [0, 1]; default 1 */
  factor?: number | readonly [number, number];
}

/** One draw: the permutation, the pasted boxes (pixels) and the label weights. */
interface CutDraw {
  order: number[];
  boxes: [number, number, number, number][]; // x0, x1, y0, y1
  labelWeights: number[];
}

export class CutMix extends BaseImagePreprocessingLayer {
  readonly factor: [number, number];
  private pending: CutDraw | null = null;

  constructor(args: CutMixArgs = {}) {
    super(args, { random: true });
    this.factor = parseFactor(args.factor ?? 1, [0, 1], this.where());
  }

  private draw(n: number, height: number, width: number): CutDraw {
    const alpha = this.factor[0] + (this.factor[1] - this.factor[0]) * this.rng.uniform() + 1e-6;
    const lambdas = Array.from({ length: n }, () => betaSample(this.rng, alpha, alpha));
    const bounds = (length: number) =>
      lambdas.map((l) => {
        const crop = Math.sqrt(1 - l) * length;
        const start = this.rng.uniform() * (length - crop);
        return [start, start + crop] as const;
      });
    const xs = bounds(width);
    const ys = bounds(height);
    const order = shuffledIndices(this.rng, n);
    const boxes = xs.map(
      ([x0, x1], i) => [x0, x1, ys[i]![0], ys[i]![1]] as [number, number, number, number],
    );
    const labelWeights = boxes.map(
      ([x0, x1, y0, y1]) => 1 - ((x1 - x0) * (y1 - y0)) / (width * height),
    );
    return { order, boxes, labelWeights };
  }

  protected transformImages(images: Tensor): Tensor {
    const [hAxis, wAxis] = this.imageAxes();
    const n = images.shape[0]!;
    const height = images.shape[hAxis]!;
    const width = images.shape[wAxis]!;
    const draw = this.pending ?? this.draw(n, height, width);
    const mask = new Uint8Array(n * height * width);
    draw.boxes.forEach(([x0, x1, y0, y1], i) => {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (x >= x0 && x < x1 && y >= y0 && y < y1) mask[(i * height + y) * width + x] = 1;
        }
      }
    });
    const maskShape =
      this.dataFormat === "channels_last" ? [n, height, width, 1] : [n, 1, height, width];
    const pasted = take(images, tensor(draw.order, [n], "int32"), 0);
    return where(tensor(mask, maskShape, "bool"), pasted, images);
  }

  /** Cuts and pastes images and blends their labels with the same draw (see the file comment). */
  applyWithLabels(
    data: ImagesAndLabels,
    opts: { training?: boolean } = {},
  ): { images: Tensor; labels: Tensor } {
    const { images, labels, n } = imagesAndLabels(data, this.where());
    if (!opts.training || images.rank !== 4) return { images: this.apply(images), labels };
    const [hAxis, wAxis] = this.imageAxes();
    const draw = this.draw(n, images.shape[hAxis]!, images.shape[wAxis]!);
    this.pending = draw;
    try {
      const mixed = this.apply(images, { training: true });
      const order = tensor(draw.order, [n], "int32");
      return { images: mixed, labels: mixLabels(labels, draw.labelWeights, order) };
    } finally {
      this.pending = null;
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }

  static fromConfig(config: Record<string, unknown>): CutMix {
    return new CutMix(fromKerasConfig(config) as CutMixArgs);
  }
}

registerKerasLayers({ CutMix });

/**
 * Keras `RandomCrop`: in training, crops a (height, width) window at a random position — one
 * position for the whole batch, as Keras — from images larger than the target in both axes. At
 * inference, and in training for images not larger, it returns the largest centred window of the
 * target aspect ratio resized to (height, width) (bilinear), as Keras documents. Outputs are in
 * the layer's dtype.
 */
import { checkPositiveInt } from "../../../ops/image/image-args.js";
import { resize } from "../../../ops/image/resize.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import { type BaseImageLayerArgs, BaseImagePreprocessingLayer } from "./base-image-layer.js";
import { cropWindow } from "./center-crop.js";

export type RandomCropArgs = BaseImageLayerArgs;

export class RandomCrop extends BaseImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;

  constructor(height: number, width: number, args: RandomCropArgs = {}) {
    super(args, { seeded: true });
    this.height = checkPositiveInt(height, this.where(), "height");
    this.width = checkPositiveInt(width, this.where(), "width");
  }

  protected transformImages(images: Tensor, training: boolean): Tensor {
    const axes = this.imageAxes();
    const [h, w] = [images.shape[axes[0]]!, images.shape[axes[1]]!];
    if (training && h > this.height && w > this.width) {
      // Keras: int(uniform(0, h − height + 1)), the same window for every image of the batch
      const top = Math.floor(this.rng.uniform() * (h - this.height + 1));
      const left = Math.floor(this.rng.uniform() * (w - this.width + 1));
      return cropWindow(images, axes, [top, left], [this.height, this.width]);
    }
    return resize(images, [this.height, this.width], {
      cropToAspectRatio: true,
      dataFormat: this.dataFormat,
    });
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return this.resizedShape(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }

  static fromConfig(config: Record<string, unknown>): RandomCrop {
    const { height, width, ...args } = fromKerasConfig(config);
    return new RandomCrop(height as number, width as number, args as RandomCropArgs);
  }
}

registerKerasLayers({ RandomCrop });

/**
 * Keras `RandomCrop`: in training, crops a (height, width) window at a random position — one
 * position for the whole batch, as Keras — from images larger than the target in both axes. At
 * inference, and in training for images not larger, it returns the largest centred window of the
 * target aspect ratio resized to (height, width) (bilinear), as Keras documents. Outputs are in
 * the layer's dtype. In a dict input the bounding boxes follow the same window (and resize),
 * and the segmentation masks are cut the same way (resized with nearest interpolation).
 */
import { checkPositiveInt } from "../../../ops/image/image-args.js";
import { resize } from "../../../ops/image/resize.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  type ImageSize,
} from "./base-image-layer.js";
import { type Window, aspectCropWindow, windowedBoxes } from "./box-transforms.js";
import { cropWindow } from "./center-crop.js";
import type { BoundingBoxes } from "./image-data.js";

/** A random window cut as is (`exact`), or the centred aspect window resized to the target. */
interface CropDraw {
  window: Window;
  exact: boolean;
}

export type RandomCropArgs = BaseImageLayerArgs;

export class RandomCrop extends BaseImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;

  constructor(height: number, width: number, args: RandomCropArgs = {}) {
    super(args, { seeded: true });
    this.height = checkPositiveInt(height, this.where(), "height");
    this.width = checkPositiveInt(width, this.where(), "width");
  }

  protected override getRandomTransformation(images: Tensor, training: boolean): CropDraw {
    const axes = this.imageAxes();
    const [h, w] = [images.shape[axes[0]]!, images.shape[axes[1]]!];
    if (training && h > this.height && w > this.width) {
      // Keras: int(uniform(0, h − height + 1)), the same window for every image of the batch
      const top = Math.floor(this.rng.uniform() * (h - this.height + 1));
      const left = Math.floor(this.rng.uniform() * (w - this.width + 1));
      return { window: { top, left, height: this.height, width: this.width }, exact: true };
    }
    return { window: aspectCropWindow({ height: h, width: w }, this.target()), exact: false };
  }

  protected transformImages(images: Tensor, training: boolean, draw?: unknown): Tensor {
    return this.cut(
      images,
      (draw as CropDraw | undefined) ?? this.getRandomTransformation(images, training),
      "bilinear",
    );
  }

  protected override transformBoundingBoxes(
    boxes: BoundingBoxes,
    draw: unknown,
    _training: boolean,
    size: ImageSize,
  ): BoundingBoxes {
    const { window } = draw as CropDraw;
    return windowedBoxes(boxes, this.boundingBoxFormat!, size, window, this.target());
  }

  protected override transformSegmentationMasks(masks: Tensor, draw: unknown): Tensor {
    return this.cut(masks, draw as CropDraw, "nearest");
  }

  private target(): ImageSize {
    return { height: this.height, width: this.width };
  }

  private cut(
    images: Tensor,
    { window, exact }: CropDraw,
    interpolation: "bilinear" | "nearest",
  ): Tensor {
    if (exact) {
      return cropWindow(
        images,
        this.imageAxes(),
        [window.top, window.left],
        [this.height, this.width],
      );
    }
    return resize(images, [this.height, this.width], {
      interpolation,
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

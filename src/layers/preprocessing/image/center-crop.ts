/**
 * Keras `CenterCrop`: the centred (height, width) window of each image. An image smaller than the
 * target along either axis is instead resized to it (bilinear), after cropping the largest centred
 * window of the target aspect ratio — Keras's `smart_resize`. Outputs are in the layer's dtype.
 * In a dict input the bounding boxes follow the same window, and the segmentation masks are cut
 * the same way (resized with nearest interpolation, keeping their dtype).
 */
import { checkPositiveInt } from "../../../ops/image/image-args.js";
import { resize } from "../../../ops/image/resize.js";
import { slice } from "../../../ops/join.js";
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
import type { BoundingBoxes } from "./image-data.js";

export type CenterCropArgs = Omit<BaseImageLayerArgs, "seed">;

/**
 * The (height, width) window of a batch starting at (top, left): a slice along the layer's
 * spatial axes. Shared by the cropping layers.
 */
export function cropWindow(
  images: Tensor,
  axes: readonly [number, number],
  [top, left]: readonly [number, number],
  [height, width]: readonly [number, number],
): Tensor {
  const start = images.shape.map(() => 0);
  const size = [...images.shape];
  start[axes[0]] = top;
  start[axes[1]] = left;
  size[axes[0]] = height;
  size[axes[1]] = width;
  return slice(images, start, size);
}

export class CenterCrop extends BaseImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;

  constructor(height: number, width: number, args: CenterCropArgs = {}) {
    super(args);
    this.height = checkPositiveInt(height, this.where(), "height");
    this.width = checkPositiveInt(width, this.where(), "width");
  }

  protected transformImages(images: Tensor): Tensor {
    return this.cut(images, "bilinear");
  }

  protected override transformBoundingBoxes(
    boxes: BoundingBoxes,
    _transformation: unknown,
    _training: boolean,
    size: ImageSize,
  ): BoundingBoxes {
    return windowedBoxes(boxes, this.boundingBoxFormat!, size, this.window(size), {
      height: this.height,
      width: this.width,
    });
  }

  protected override transformSegmentationMasks(masks: Tensor): Tensor {
    return this.cut(masks, "nearest");
  }

  /** The input region the output shows: the centred window, or the aspect window resized. */
  private window(size: ImageSize): Window {
    if (size.height >= this.height && size.width >= this.width) {
      const top = Math.floor((size.height - this.height) / 2);
      const left = Math.floor((size.width - this.width) / 2);
      return { top, left, height: this.height, width: this.width };
    }
    return aspectCropWindow(size, { height: this.height, width: this.width });
  }

  private cut(images: Tensor, interpolation: "bilinear" | "nearest"): Tensor {
    const axes = this.imageAxes();
    const [h, w] = [images.shape[axes[0]]!, images.shape[axes[1]]!];
    if (h >= this.height && w >= this.width) {
      const { top, left } = this.window({ height: h, width: w });
      return cropWindow(images, axes, [top, left], [this.height, this.width]);
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

  static fromConfig(config: Record<string, unknown>): CenterCrop {
    const { height, width, ...args } = fromKerasConfig(config);
    return new CenterCrop(height as number, width as number, args as CenterCropArgs);
  }
}

registerKerasLayers({ CenterCrop });

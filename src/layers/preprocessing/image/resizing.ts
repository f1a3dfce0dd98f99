/**
 * Keras `Resizing`: resizes images to (height, width) with `ops.image.resize` — any of its
 * interpolations, optionally cropping or padding to the target aspect ratio first. Integer images
 * stay integer (rounded and saturated, as Keras); float images are computed in the layer's dtype.
 * In a dict input the bounding boxes are stretched (cropped, padded) with the images, and the
 * segmentation masks resized with nearest interpolation in their own dtype.
 */
import { ValueError } from "../../../errors.js";
import { cast, equal, logicalOr, where } from "../../../ops/elementwise.js";
import { all } from "../../../ops/reduce.js";
import { checkPositiveInt } from "../../../ops/image/image-args.js";
import { type ResizeInterpolation, resize } from "../../../ops/image/resize.js";
import { RESIZE_INTERPOLATIONS } from "../../../ops/image/resize-weights.js";
import { type DType, isFloat } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  type ImageSize,
} from "./base-image-layer.js";
import { aspectCropWindow, aspectPadWindow, fullWindow, windowedBoxes } from "./box-transforms.js";
import type { BoundingBoxes } from "./image-data.js";

export interface ResizingArgs extends Omit<BaseImageLayerArgs, "seed"> {
  /** Default "bilinear"; also "nearest", "bicubic", "lanczos3", "lanczos5", "area". */
  interpolation?: ResizeInterpolation;
  cropToAspectRatio?: boolean;
  padToAspectRatio?: boolean;
  /** Only "constant". */
  fillMode?: "constant";
  /** The padding value of `padToAspectRatio`; default 0. */
  fillValue?: number;
  antialias?: boolean;
}

export class Resizing extends BaseImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillMode: "constant";
  readonly fillValue: number;
  readonly antialias: boolean;

  constructor(height: number, width: number, args: ResizingArgs = {}) {
    super(args, { castInputs: false });
    this.height = checkPositiveInt(height, this.where(), "height");
    this.width = checkPositiveInt(width, this.where(), "width");
    this.interpolation = args.interpolation ?? "bilinear";
    if (!RESIZE_INTERPOLATIONS.includes(this.interpolation)) {
      throw new ValueError(
        `${this.where()}: interpolation must be one of ${RESIZE_INTERPOLATIONS.join(", ")}; ` +
          `received ${String(args.interpolation)}`,
      );
    }
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    this.padToAspectRatio = args.padToAspectRatio ?? false;
    if (this.cropToAspectRatio && this.padToAspectRatio) {
      throw new ValueError(
        `${this.where()}: only one of cropToAspectRatio and padToAspectRatio can be true`,
      );
    }
    this.fillMode = args.fillMode ?? "constant";
    if (this.fillMode !== "constant") {
      throw new ValueError(
        `${this.where()}: only fillMode "constant" is supported; received ${String(args.fillMode)}`,
      );
    }
    this.fillValue = args.fillValue ?? 0;
    this.antialias = Boolean(args.antialias ?? false);
  }

  protected transformImages(images: Tensor): Tensor {
    // Keras autocasts float inputs to the layer's dtype; integer images keep theirs.
    const x =
      isFloat(images.dtype) && images.dtype !== this.dtype ? cast(images, this.dtype) : images;
    return this.resizeTo(x, this.interpolation);
  }

  protected override transformBoundingBoxes(
    boxes: BoundingBoxes,
    _transformation: unknown,
    _training: boolean,
    size: ImageSize,
  ): BoundingBoxes {
    const target = { height: this.height, width: this.width };
    const window = this.cropToAspectRatio
      ? aspectCropWindow(size, target)
      : this.padToAspectRatio
        ? aspectPadWindow(size, target)
        : fullWindow(size);
    // Keras keeps padding boxes (all −1 or all 0) at [0, 0, 0, 0]
    const moved = windowedBoxes(boxes, this.boundingBoxFormat!, size, window, target);
    const padding = logicalOr(
      all(equal(boxes.boxes, -1), -1, true),
      all(equal(boxes.boxes, 0), -1, true),
    );
    return { boxes: where(padding, 0, moved.boxes), labels: moved.labels };
  }

  protected override transformSegmentationMasks(masks: Tensor): Tensor {
    return this.resizeTo(masks, "nearest");
  }

  private resizeTo(x: Tensor, interpolation: ResizeInterpolation): Tensor {
    return resize(x, [this.height, this.width], {
      interpolation,
      antialias: interpolation === "nearest" ? false : this.antialias,
      cropToAspectRatio: this.cropToAspectRatio,
      padToAspectRatio: this.padToAspectRatio,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
      dataFormat: this.dataFormat,
    });
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return this.resizedShape(inputShape, this.height, this.width);
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    const dt = inputDtypes[0] ?? this.dtype;
    return isFloat(dt) ? this.dtype : dt;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      interpolation: this.interpolation,
      crop_to_aspect_ratio: this.cropToAspectRatio,
      pad_to_aspect_ratio: this.padToAspectRatio,
      fill_mode: this.fillMode,
      fill_value: this.fillValue,
      antialias: this.antialias,
    };
  }

  static fromConfig(config: Record<string, unknown>): Resizing {
    const { height, width, ...args } = fromKerasConfig(config);
    return new Resizing(height as number, width as number, args as ResizingArgs);
  }
}

registerKerasLayers({ Resizing });

/**
 * Keras `RandomFlip`: in training, flips each image of the batch with probability ½ —
 * horizontally (the width axis), vertically (the height axis) or both at once with one draw per
 * image ("horizontal_and_vertical", the default). The identity at inference. In a dict input
 * the same draws mirror the bounding boxes and flip the segmentation masks (in their dtype).
 */
import { ValueError } from "../../../errors.js";
import { where } from "../../../ops/elementwise.js";
import { flip } from "../../../ops/tile.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  type ImageSize,
} from "./base-image-layer.js";
import { flippedBoxes, fromXyxy, toXyxy } from "./box-transforms.js";
import type { BoundingBoxes } from "./image-data.js";

export type FlipMode = "horizontal" | "vertical" | "horizontal_and_vertical";

const MODES: readonly FlipMode[] = ["horizontal", "vertical", "horizontal_and_vertical"];

export interface RandomFlipArgs extends BaseImageLayerArgs {
  /** Which flips to apply; default "horizontal_and_vertical". */
  mode?: FlipMode;
}

export class RandomFlip extends BaseImagePreprocessingLayer {
  readonly mode: FlipMode;

  /** `new RandomFlip("horizontal")` as Keras's positional mode, or `new RandomFlip({ mode, seed })`. */
  constructor(mode: FlipMode | RandomFlipArgs = {}, args: RandomFlipArgs = {}) {
    const opts = typeof mode === "string" ? { ...args, mode } : mode;
    super(opts, { random: true });
    this.mode = opts.mode ?? "horizontal_and_vertical";
    if (!MODES.includes(this.mode)) {
      throw new ValueError(
        `${this.where()}: mode must be one of ${MODES.join(", ")}; received ${String(opts.mode)}`,
      );
    }
  }

  /** One draw per image: 1 flips it. Keras flips an image when its uniform draw is ≤ ½. */
  protected override getRandomTransformation(images: Tensor): number[] {
    return Array.from({ length: images.shape[0]! }, () => (this.rng.uniform() <= 0.5 ? 1 : 0));
  }

  protected transformImages(images: Tensor, _training: boolean, draws?: unknown): Tensor {
    return this.flipBatch(
      images,
      (draws as number[] | undefined) ?? this.getRandomTransformation(images),
    );
  }

  protected override transformBoundingBoxes(
    boxes: BoundingBoxes,
    draws: unknown,
    _training: boolean,
    size: ImageSize,
  ): BoundingBoxes {
    const format = this.boundingBoxFormat!;
    const horizontal = this.mode !== "vertical";
    const vertical = this.mode !== "horizontal";
    const moved = flippedBoxes(
      toXyxy(boxes, format, size),
      draws as number[],
      size,
      horizontal,
      vertical,
    );
    return fromXyxy(moved, boxes.labels, format, size);
  }

  protected override transformSegmentationMasks(masks: Tensor, draws: unknown): Tensor {
    return this.flipBatch(masks, draws as number[]);
  }

  private flipBatch(images: Tensor, draws: readonly number[]): Tensor {
    const flips = tensor([...draws], [draws.length, 1, 1, 1], "bool");
    const [heightAxis, widthAxis] = this.imageAxes();
    const axes: number[] = [];
    if (this.mode !== "vertical") axes.push(widthAxis);
    if (this.mode !== "horizontal") axes.push(heightAxis);
    return where(flips, flip(images, axes), images);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }

  static fromConfig(config: Record<string, unknown>): RandomFlip {
    return new RandomFlip(fromKerasConfig(config) as RandomFlipArgs);
  }
}

registerKerasLayers({ RandomFlip });

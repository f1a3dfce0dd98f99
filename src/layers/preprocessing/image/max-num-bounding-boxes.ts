/**
 * Keras `MaxNumBoundingBoxes`: gives every image of a dict input exactly `maxNumber` boxes —
 * the first `maxNumber` boxes and labels, then padding boxes and labels of `fillValue` (default
 * −1) — so batches of images with different box counts stack. Images, labels and masks pass
 * through unchanged (images keep their dtype), as in Keras. The box format does not matter to
 * it, so unlike other layers it needs no `boundingBoxFormat`.
 */
import { ValueError } from "../../../errors.js";
import { pad } from "../../../ops/pad.js";
import { checkPositiveInt } from "../../../ops/image/image-args.js";
import { slice } from "../../../ops/join.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type BaseImageLayerArgs, BaseImagePreprocessingLayer } from "./base-image-layer.js";
import type { BoundingBoxes } from "./image-data.js";

export interface MaxNumBoundingBoxesArgs extends Omit<BaseImageLayerArgs, "seed"> {
  /** The value of the padding boxes' coordinates and labels; default −1. */
  fillValue?: number;
}

/** Axis 1 of `x` cut or padded (with `value`) to `n` entries. */
function toLength(x: Tensor, n: number, value: number): Tensor {
  const have = x.shape[1]!;
  if (have === n) return x;
  if (have > n)
    return slice(
      x,
      x.shape.map(() => 0),
      x.shape.map((d, i) => (i === 1 ? n : d)),
    );
  const widths = x.shape.map((_, i): [number, number] => (i === 1 ? [0, n - have] : [0, 0]));
  return pad(x, widths, "constant", value);
}

export class MaxNumBoundingBoxes extends BaseImagePreprocessingLayer {
  readonly maxNumber: number;
  readonly fillValue: number;

  constructor(maxNumber: number, args: MaxNumBoundingBoxesArgs = {}) {
    super(args, { castInputs: false });
    this.maxNumber = checkPositiveInt(maxNumber, this.where(), "maxNumber");
    const fill = args.fillValue ?? -1;
    if (typeof fill !== "number" || !Number.isInteger(fill)) {
      throw new ValueError(
        `${this.where()}: fillValue must be an integer (Keras takes int(fill_value)); received ${String(fill)}`,
      );
    }
    this.fillValue = fill;
  }

  protected transformImages(images: Tensor): Tensor {
    return images;
  }

  protected override requiresBoxFormat(): boolean {
    return false;
  }

  protected override transformBoundingBoxes(boxes: BoundingBoxes): BoundingBoxes {
    return {
      boxes: toLength(boxes.boxes, this.maxNumber, this.fillValue),
      labels: toLength(boxes.labels, this.maxNumber, this.fillValue),
    };
  }

  protected override transformSegmentationMasks(masks: Tensor): Tensor {
    return masks;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), max_number: this.maxNumber, fill_value: this.fillValue };
  }

  static fromConfig(config: Record<string, unknown>): MaxNumBoundingBoxes {
    const { maxNumber, ...args } = fromKerasConfig(config);
    return new MaxNumBoundingBoxes(maxNumber as number, args as MaxNumBoundingBoxesArgs);
  }
}

registerKerasLayers({ MaxNumBoundingBoxes });

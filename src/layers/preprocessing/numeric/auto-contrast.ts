/**
 * Keras `AutoContrast`: stretches each image's channels to the full range, always (it is not an
 * augmentation): in [0, 255] terms x → (x − min) · 255 / (max − min), with min and max per image
 * and channel over height and width, clipped and mapped back to `valueRange`. A constant channel
 * (max = min) is left as it was. (Keras 3.16 takes min and max over axes 1 and 2 whatever the
 * data format; Strata uses the image axes of `dataFormat`, the same for channels_last.)
 */
import {
  add,
  clip,
  divide,
  equal,
  isnan,
  logicalOr,
  multiply,
  negative,
  subtract,
  where,
} from "../../../ops/elementwise.js";
import { max, min } from "../../../ops/reduce.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  transformValueRange,
} from "../image/base-image-layer.js";
import { sortedValueRange } from "./color-args.js";

export interface AutoContrastArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
}

export class AutoContrast extends BaseImagePreprocessingLayer {
  readonly valueRange: [number, number];

  constructor(args: AutoContrastArgs = {}) {
    super(args, { targets: "unchanged" });
    this.valueRange = sortedValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    const dtype = images.dtype === "float64" ? "float64" : "float32";
    const x = transformValueRange(images, this.valueRange, [0, 255], dtype);
    const axes = this.imageAxes();
    const low = min(x, axes, true);
    const high = max(x, axes, true);
    const scale = divide(255, subtract(high, low));
    const stretched = add(multiply(x, scale), multiply(negative(low), scale));
    const out = transformValueRange(clip(stretched, 0, 255), [0, 255], this.valueRange, dtype);
    // A constant channel (0 · ∞) and NaN inputs keep their values, as in Keras.
    return where(logicalOr(equal(high, low), isnan(out)), images, out);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), value_range: this.valueRange };
  }

  static fromConfig(config: Record<string, unknown>): AutoContrast {
    return new AutoContrast(fromKerasConfig(config) as AutoContrastArgs);
  }
}

registerKerasLayers({ AutoContrast });

/**
 * Keras `Equalization`: histogram equalization of each colour channel, applied when called with
 * `training: true` (Keras's transform runs only in training; it draws nothing). As in Keras 3.16
 * one histogram of `bins` bins is taken per channel over the whole batch, in [0, 255] terms; its
 * cumulative counts give a lookup table, lut[i] = round((cdf[i] − cdf_min) · 255 /
 * (cdf[last] − cdf_min)), and each value v becomes lut[⌊v / 255 · (bins − 1)⌋]. A channel whose
 * values all fall in one bin is left as it was. The histogram and the table are built on the host
 * from the bin indices; the lookup is a gather.
 */
import { ValueError } from "../../../errors.js";
import { cast, clip, divide, multiply } from "../../../ops/elementwise.js";
import { take } from "../../../ops/gather.js";
import { split, stack } from "../../../ops/join.js";
import { squeeze } from "../../../ops/movement.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  transformValueRange,
} from "../image/base-image-layer.js";
import { sortedValueRange } from "./color-args.js";

export interface EqualizationArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
  /** histogram bins, 256 by default */
  bins?: number;
}

/** NumPy's round: halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export class Equalization extends BaseImagePreprocessingLayer {
  readonly valueRange: [number, number];
  readonly bins: number;

  constructor(args: EqualizationArgs = {}) {
    super(args, { targets: "unchanged" });
    this.valueRange = sortedValueRange(args.valueRange ?? [0, 255], this.where());
    const bins = args.bins ?? 256;
    if (!Number.isInteger(bins) || bins < 2) {
      throw new ValueError(`${this.where()}: bins must be an integer >= 2; received bins=${bins}`);
    }
    this.bins = bins;
  }

  protected transformImages(images: Tensor, training: boolean): Tensor {
    if (!training) return images;
    const axis = this.channelAxis();
    const dtype = images.dtype === "float64" ? "float64" : "float32";
    const x = transformValueRange(images, this.valueRange, [0, 255], dtype);
    const channels = split(x, images.shape[axis]!, axis).map((c) => squeeze(c, axis));
    const out = stack(
      channels.map((c) => this.equalizeChannel(c)),
      axis,
    );
    return transformValueRange(out, [0, 255], this.valueRange, dtype);
  }

  /** One channel (over the whole batch), values in [0, 255]. */
  private equalizeChannel(channel: Tensor): Tensor {
    const top = this.bins - 1;
    const histIndex = clip(cast(divide(multiply(channel, top), 255), "int32"), 0, top);
    const hist = new Float64Array(this.bins);
    for (const i of histIndex.dataSync() as Int32Array) hist[i]!++;
    if (hist.filter((h) => h > 0).length <= 1) return channel;
    const cdf = new Float64Array(this.bins);
    let acc = 0;
    hist.forEach((h, i) => (cdf[i] = acc += h));
    const cdfMin = cdf.find((c) => c > 0)!;
    const denominator = cdf[top]! - cdfMin || 1;
    const lut = Array.from(cdf, (c) =>
      Math.min(255, Math.max(0, roundHalfEven(((c - cdfMin) * 255) / denominator))),
    );
    const index = cast(clip(multiply(divide(channel, 255), top), 0, top), "int32");
    return take(tensor(lut, [this.bins], channel.dtype), index);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), bins: this.bins, value_range: this.valueRange };
  }

  static fromConfig(config: Record<string, unknown>): Equalization {
    return new Equalization(fromKerasConfig(config) as EqualizationArgs);
  }
}

registerKerasLayers({ Equalization });

/**
 * Keras `ContrastLimitedAdaptiveHistogramEqualization` (CLAHE): histogram equalization per tile
 * of a `tileGridSize` grid, each tile's histogram clipped at `clipLimit` × its mean bin count
 * with the excess spread over all bins, and each pixel mapped by the bilinear mix of its four
 * nearest tiles' mappings, so tile borders do not show. Per image and channel, in [0, 255]
 * terms (`valueRange` maps to and from them); the image is padded to whole tiles by mirroring.
 * Host loops in float64 (values are looked up by their integer part: no gradient, as in
 * Keras); integer images come back in their dtype, as Keras casts back.
 */
import { ValueError } from "../../../errors.js";
import { castTo } from "../../../ops/core.js";
import { cast } from "../../../ops/elementwise.js";
import { transpose } from "../../../ops/movement.js";
import { tensor } from "../../../tensor/creation.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  checkValueRange,
} from "./base-image-layer.js";

export interface ContrastLimitedAdaptiveHistogramEqualizationArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
  /** histogram clip, in multiples of the mean bin count; 4 by default, ≤ 0 for none */
  clipLimit?: number;
  /** tiles down and across; [8, 8] by default */
  tileGridSize?: readonly [number, number];
}

/** NumPy's "symmetric" padding index: …, x1, x0 | x0 … x(n−1) | x(n−1), x(n−2), … */
const mirror = (i: number, n: number): number => {
  const k = i % (2 * n);
  return k < n ? k : 2 * n - 1 - k;
};

export class ContrastLimitedAdaptiveHistogramEqualization extends BaseImagePreprocessingLayer {
  readonly valueRange: [number, number];
  readonly clipLimit: number;
  readonly tileGridSize: [number, number];

  constructor(args: ContrastLimitedAdaptiveHistogramEqualizationArgs = {}) {
    super(args, { castInputs: false, targets: "unchanged" });
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255], this.where());
    this.clipLimit = args.clipLimit ?? 4;
    if (typeof this.clipLimit !== "number" || !Number.isFinite(this.clipLimit))
      throw new ValueError(
        `${this.where()}: clipLimit must be a number; received ${String(args.clipLimit)}`,
      );
    const grid = args.tileGridSize ?? [8, 8];
    if (
      !Array.isArray(grid) ||
      grid.length !== 2 ||
      !grid.every((g) => Number.isInteger(g) && g >= 1)
    )
      throw new ValueError(
        `${this.where()}: tileGridSize must be [height, width], two positive integers; received ${JSON.stringify(grid)}`,
      );
    this.tileGridSize = [grid[0]!, grid[1]!];
  }

  protected transformImages(images: Tensor): Tensor {
    const first = this.dataFormat === "channels_first";
    const nhwc = first ? transpose(images, [0, 2, 3, 1]) : images;
    const [batch, height, width, channels] = nhwc.shape as [number, number, number, number];
    const [lo, hi] = this.valueRange;
    const src = nhwc.dataSync();
    const out = new Float64Array(src.length);
    const plane = new Float64Array(height * width);
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < channels; c++) {
        for (let p = 0; p < height * width; p++)
          plane[p] =
            ((Number(src[(b * height * width + p) * channels + c]) - lo) / (hi - lo)) * 255;
        const eq = this.equalize(plane, height, width);
        for (let p = 0; p < height * width; p++)
          out[(b * height * width + p) * channels + c] = (eq[p]! / 255) * (hi - lo) + lo;
      }
    }
    const floatOut = castTo(
      tensor(out, nhwc.shape),
      images.dtype === "float64" ? "float64" : "float32",
    );
    const result = images.dtype.startsWith("float")
      ? floatOut
      : cast(floatOut, images.dtype as DType);
    return first ? transpose(result, [0, 3, 1, 2]) : result;
  }

  /** One channel of one image, values in [0, 255], row-major (height, width). */
  private equalize(img: Float64Array, height: number, width: number): Float64Array {
    const [gh, gw] = this.tileGridSize;
    const th = Math.ceil(height / gh);
    const tw = Math.ceil(width / gw);
    const at = (y: number, x: number) => img[mirror(y, height) * width + mirror(x, width)]!;
    const level = (v: number) => Math.min(255, Math.max(0, Math.trunc(v)));
    // each tile's mapping of the 256 levels
    const maps = new Float64Array(gh * gw * 256);
    const hist = new Float64Array(256);
    const pixels = th * tw;
    for (let i = 0; i < gh; i++) {
      for (let j = 0; j < gw; j++) {
        hist.fill(0);
        for (let y = i * th; y < (i + 1) * th; y++)
          for (let x = j * tw; x < (j + 1) * tw; x++) hist[level(at(y, x))]!++;
        if (this.clipLimit > 0) {
          const limit = (this.clipLimit * pixels) / 256;
          let excess = 0;
          for (let k = 0; k < 256; k++) {
            excess += Math.max(hist[k]! - limit, 0);
            hist[k] = Math.min(hist[k]!, limit);
          }
          for (let k = 0; k < 256; k++) hist[k]! += excess / 256;
        }
        const base = (i * gw + j) * 256;
        let cdf = 0;
        const cdfMin = hist[0]!;
        const den = pixels - cdfMin || 1;
        for (let k = 0; k < 256; k++) {
          cdf += hist[k]!;
          maps[base + k] = Math.min(255, Math.max(0, ((cdf - cdfMin) * 255) / den));
        }
      }
    }
    const map = (ti: number, tj: number, v: number) =>
      maps[(Math.min(Math.max(ti, 0), gh - 1) * gw + Math.min(Math.max(tj, 0), gw - 1)) * 256 + v]!;
    const out = new Float64Array(height * width);
    for (let y = 0; y < height; y++) {
      // tile centres sit at (i + 1/2)·th: fy is the position among them
      const fy = (y - th / 2) / th;
      const y0 = Math.floor(fy);
      const wy = fy - y0;
      for (let x = 0; x < width; x++) {
        const fx = (x - tw / 2) / tw;
        const x0 = Math.floor(fx);
        const wx = fx - x0;
        const v = level(img[y * width + x]!);
        const top = map(y0, x0, v) * (1 - wx) + map(y0, x0 + 1, v) * wx;
        const bottom = map(y0 + 1, x0, v) * (1 - wx) + map(y0 + 1, x0 + 1, v) * wx;
        out[y * width + x] = top * (1 - wy) + bottom * wy;
      }
    }
    return out;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      value_range: this.valueRange,
      clip_limit: this.clipLimit,
      tile_grid_size: this.tileGridSize,
    };
  }

  static fromConfig(config: Record<string, unknown>): ContrastLimitedAdaptiveHistogramEqualization {
    return new ContrastLimitedAdaptiveHistogramEqualization(
      fromKerasConfig(config) as ContrastLimitedAdaptiveHistogramEqualizationArgs,
    );
  }
}

registerKerasLayers({ ContrastLimitedAdaptiveHistogramEqualization });

/**
 * Keras `Solarization`: in training, each image (mapped from `valueRange` to [0, 255]) gets an
 * addition a, is clipped to [0, 255], and every value at or above a threshold t is inverted,
 * x → 255 − x; then it is mapped back. a and t are drawn per image uniformly from
 * [lower, upper · 255] of `additionFactor` and `thresholdFactor` (Keras 3.16 scales only the
 * upper bound). Each factor is in [0, 1]; a number f gives [0, f]. With the defaults (0, 0)
 * every value is inverted. The identity at inference.
 */
import { ValueError } from "../../../errors.js";
import { add, clip, less, subtract, where } from "../../../ops/elementwise.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import {
  type BaseImageLayerArgs,
  BaseImagePreprocessingLayer,
  transformValueRange,
} from "../image/base-image-layer.js";
import { perImage, uniformDraws } from "./per-image-draws.js";
import { sortedValueRange } from "./color-args.js";

export type UnitFactor = number | readonly [number, number];

export interface SolarizationArgs extends BaseImageLayerArgs {
  /** added (· 255) before thresholding; default 0 */
  additionFactor?: UnitFactor;
  /** the threshold (· 255) above which values are inverted; default 0 */
  thresholdFactor?: UnitFactor;
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
}

/** Solarization's own factor rule: a number f gives [0, f], a pair is sorted; all in [0, 1]. */
function unitFactor(factor: unknown, where: string, arg: string): [number, number] {
  const values = Array.isArray(factor) ? factor : [0, factor];
  if (values.length !== 2 || !values.every((v) => typeof v === "number" && v >= 0 && v <= 1)) {
    throw new ValueError(
      `${where}: ${arg} must be a number or a pair of numbers in [0, 1]; received ${arg}=${JSON.stringify(factor)}`,
    );
  }
  const [a, b] = values as [number, number];
  return a <= b ? [a, b] : [b, a];
}

export class Solarization extends BaseImagePreprocessingLayer {
  readonly additionFactor: [number, number];
  readonly thresholdFactor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: SolarizationArgs = {}) {
    super(args, { random: true, targets: "unchanged" });
    this.additionFactor = unitFactor(args.additionFactor ?? 0, this.where(), "additionFactor");
    this.thresholdFactor = unitFactor(args.thresholdFactor ?? 0, this.where(), "thresholdFactor");
    this.valueRange = sortedValueRange(args.valueRange ?? [0, 255], this.where());
  }

  protected transformImages(images: Tensor): Tensor {
    const n = images.shape[0]!;
    const draw = ([lo, hi]: [number, number]) =>
      perImage(uniformDraws(this.rng, n, lo, hi * 255), images.dtype);
    const additions = draw(this.additionFactor);
    const thresholds = draw(this.thresholdFactor);
    const dtype = images.dtype === "float64" ? "float64" : "float32";
    const x = transformValueRange(images, this.valueRange, [0, 255], dtype);
    const added = clip(add(x, additions), 0, 255);
    const solarized = where(less(added, thresholds), added, subtract(255, added));
    return transformValueRange(solarized, [0, 255], this.valueRange, dtype);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      value_range: this.valueRange,
      addition_factor: this.additionFactor,
      threshold_factor: this.thresholdFactor,
    };
  }

  static fromConfig(config: Record<string, unknown>): Solarization {
    return new Solarization(fromKerasConfig(config) as SolarizationArgs);
  }
}

registerKerasLayers({ Solarization });

/**
 * Keras `RandomColorJitter`: in training, applies in turn RandomBrightness, RandomContrast,
 * RandomSaturation and RandomHue, each only when its factor is given, all with the jitter's
 * `valueRange` and `seed`. The identity at inference. The config keeps the factors as given.
 */
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { type BaseImageLayerArgs, BaseImagePreprocessingLayer } from "../image/base-image-layer.js";
import { RandomBrightness } from "./random-brightness.js";
import { RandomContrast } from "./random-contrast.js";
import { RandomHue } from "./random-hue.js";
import { RandomSaturation } from "./random-saturation.js";

type Factor = number | readonly [number, number];

export interface RandomColorJitterArgs extends BaseImageLayerArgs {
  /** the images' range, [0, 255] by default */
  valueRange?: readonly [number, number];
  brightnessFactor?: Factor | null;
  contrastFactor?: Factor | null;
  saturationFactor?: Factor | null;
  hueFactor?: Factor | null;
}

export class RandomColorJitter extends BaseImagePreprocessingLayer {
  readonly valueRange: readonly [number, number];
  readonly brightnessFactor: Factor | null;
  readonly contrastFactor: Factor | null;
  readonly saturationFactor: Factor | null;
  readonly hueFactor: Factor | null;
  readonly randomBrightness: RandomBrightness | null;
  readonly randomContrast: RandomContrast | null;
  readonly randomSaturation: RandomSaturation | null;
  readonly randomHue: RandomHue | null;

  constructor(args: RandomColorJitterArgs = {}) {
    super(args, { random: true, targets: "unchanged" });
    this.valueRange = args.valueRange ?? [0, 255];
    this.brightnessFactor = args.brightnessFactor ?? null;
    this.contrastFactor = args.contrastFactor ?? null;
    this.saturationFactor = args.saturationFactor ?? null;
    this.hueFactor = args.hueFactor ?? null;
    const common = {
      valueRange: this.valueRange,
      seed: this.seed,
      dataFormat: this.dataFormat,
      dtype: this.dtype,
    };
    const make = <L>(factor: Factor | null, cls: new (f: Factor, a: typeof common) => L) =>
      factor === null ? null : new cls(factor, common);
    this.randomBrightness = make(this.brightnessFactor, RandomBrightness);
    this.randomContrast = make(this.contrastFactor, RandomContrast);
    this.randomSaturation = make(this.saturationFactor, RandomSaturation);
    this.randomHue = make(this.hueFactor, RandomHue);
  }

  protected transformImages(images: Tensor): Tensor {
    let out = images;
    for (const layer of [
      this.randomBrightness,
      this.randomContrast,
      this.randomSaturation,
      this.randomHue,
    ]) {
      if (layer) out = layer.apply(out, { training: true });
    }
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      value_range: this.valueRange,
      brightness_factor: this.brightnessFactor,
      contrast_factor: this.contrastFactor,
      saturation_factor: this.saturationFactor,
      hue_factor: this.hueFactor,
    };
  }

  static fromConfig(config: Record<string, unknown>): RandomColorJitter {
    return new RandomColorJitter(fromKerasConfig(config) as RandomColorJitterArgs);
  }
}

registerKerasLayers({ RandomColorJitter });
